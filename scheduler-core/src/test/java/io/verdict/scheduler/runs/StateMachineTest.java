package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.IllegalTransitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateMachineTest {
    private static final Instant T = Instant.parse("2025-10-26T14:05:11Z");

    /** The run transitions the specification allows; everything else must be refused. */
    private static final Map<RunState, Set<RunState>> RUN_ALLOWED = Map.of(
            RunState.PLANNING, EnumSet.of(RunState.QUEUED, RunState.COMPLETED, RunState.ERROR, RunState.CANCELLED),
            RunState.QUEUED, EnumSet.of(RunState.RUNNING, RunState.CANCELLED, RunState.COMPLETED, RunState.ERROR),
            RunState.RUNNING, EnumSet.of(RunState.COMPLETED, RunState.CANCELLED, RunState.ERROR),
            RunState.COMPLETED, EnumSet.noneOf(RunState.class),
            RunState.CANCELLED, EnumSet.noneOf(RunState.class),
            RunState.ERROR, EnumSet.noneOf(RunState.class));

    private static final Map<SegmentState, Set<SegmentState>> SEGMENT_ALLOWED = Map.of(
            SegmentState.QUEUED, EnumSet.of(SegmentState.LEASED, SegmentState.CANCELLED),
            SegmentState.LEASED, EnumSet.of(SegmentState.RUNNING, SegmentState.QUEUED, SegmentState.CANCELLED),
            SegmentState.RUNNING, EnumSet.of(SegmentState.COMPLETED, SegmentState.FAILED, SegmentState.QUEUED,
                    SegmentState.DEAD, SegmentState.CANCELLED),
            SegmentState.FAILED, EnumSet.of(SegmentState.QUEUED, SegmentState.DEAD, SegmentState.CANCELLED),
            SegmentState.DEAD, EnumSet.of(SegmentState.QUEUED),
            SegmentState.COMPLETED, EnumSet.noneOf(SegmentState.class),
            SegmentState.CANCELLED, EnumSet.noneOf(SegmentState.class));

    static Run run(RunState state) {
        return new Run("run:t:20251026T140511Z:000000000001", "t", null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, state,
                RunReason.manual("test", "c-1"), T, null, null, null, null, "sha256:x", 1, 1, 1, 7);
    }

    static Segment segment(SegmentState state) {
        return new Segment("run:t:20251026T140511Z:000000000001", 0, "t", null, List.of("sha256:a"), state, 1, null,
                null, null, 3, null, null, T, 7);
    }

    @Test
    void everyRunPairIsAllowedOrRefusedExactlyAsSpecified() {
        for (RunState from : RunState.values()) {
            for (RunState to : RunState.values()) {
                Run r = run(from);
                if (RUN_ALLOWED.get(from).contains(to)) {
                    Run next = r.transition(to, T.plusSeconds(5));
                    assertThat(next.state()).isEqualTo(to);
                    assertThat(next.version()).isEqualTo(8);
                } else {
                    assertThatThrownBy(() -> r.transition(to, T))
                            .as("%s -> %s", from, to)
                            .isInstanceOf(IllegalTransitionException.class)
                            .hasMessageContaining(from.name()).hasMessageContaining(to.name());
                }
            }
        }
    }

    @Test
    void everySegmentPairIsAllowedOrRefusedExactlyAsSpecified() {
        for (SegmentState from : SegmentState.values()) {
            for (SegmentState to : SegmentState.values()) {
                Segment s = segment(from);
                if (SEGMENT_ALLOWED.get(from).contains(to)) {
                    assertThat(s.with(to, T).state()).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> s.with(to, T)).as("%s -> %s", from, to)
                            .isInstanceOf(IllegalTransitionException.class);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = RunState.class, names = {"COMPLETED", "CANCELLED", "ERROR"})
    void terminalRunStatesNeverChange(RunState terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        assertThat(terminal.next()).isEmpty();
    }

    @Test
    void terminalTransitionStampsStartAndFinish() {
        Run done = run(RunState.PLANNING).transition(RunState.COMPLETED, T.plusSeconds(1));
        assertThat(done.startedAt()).isEqualTo(T.plusSeconds(1));
        assertThat(done.finishedAt()).isEqualTo(T.plusSeconds(1));
        Run running = run(RunState.QUEUED).transition(RunState.RUNNING, T.plusSeconds(2));
        assertThat(running.startedAt()).isEqualTo(T.plusSeconds(2));
        assertThat(running.finishedAt()).isNull();
    }

    @Test
    void statsAreDerivedFromSegmentOutcomes() {
        Run r = run(RunState.RUNNING);
        Segment done = segment(SegmentState.RUNNING).completed(new SegmentOutcome(1, 0, 1, new SeverityCounts(1, 0, 0, 0, 0, 0, 1)), T);
        Segment waiting = new Segment(r.id(), 1, "t", null, List.of("sha256:b", "sha256:c"), SegmentState.QUEUED, 0,
                null, null, null, 0, null, null, T, 0);
        Segment dead = new Segment(r.id(), 2, "t", null, List.of("sha256:d"), SegmentState.RUNNING, 5, null, null,
                null, 0, null, null, T, 0).dead(new RunError(io.verdict.scheduler.errors.ErrorCode.ERR_RUN_005, "t/o"), T);
        RunStats s = RunProgress.stats(r, List.of(done, waiting, dead));
        assertThat(s.completed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.queued()).isEqualTo(2);
        assertThat(s.processed()).isEqualTo(2);
        assertThat(s.severity().newCriticals()).isEqualTo(1);
        assertThat(s.severity().kevHits()).isEqualTo(1);
    }
}
