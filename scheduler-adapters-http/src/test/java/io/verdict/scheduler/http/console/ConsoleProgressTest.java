package io.verdict.scheduler.http.console;

import io.verdict.scheduler.http.console.ConsoleJson.Progress;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's progress cell: a percentage of targets evaluated successfully, with failed and cancelled shown. */
class ConsoleProgressTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");

    private static Run run(RunState state, int targets) {
        return new Run("run:acme:20251026T140511Z:ab12", "acme", null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, state,
                RunReason.manual("t", null), T0, T0, state.isTerminal() ? T0 : null, null, null, "sha256:p", 1,
                targets, targets, 3);
    }

    private static RunStats stats(int queued, int completed, int failed, int cancelled) {
        return new RunStats(60, 60, queued, completed, failed, cancelled, 0, SeverityCounts.ZERO);
    }

    @Test
    void aRunInErrorShowsItsFailedTargetsInsteadOfOneHundredPercent() {
        Progress p = ConsoleRoutes.progress(run(RunState.ERROR, 60), stats(0, 50, 10, 0));
        assertThat(p.percent()).isEqualTo(83.3);
        assertThat(p.failed()).isEqualTo(10);
        assertThat(p.processed()).isEqualTo(60);
        assertThat(p.total()).isEqualTo(60);
    }

    @Test
    void aCancelledRunShowsItsCancelledTargetsNotQueued() {
        Progress p = ConsoleRoutes.progress(run(RunState.CANCELLED, 60), stats(0, 10, 0, 50));
        assertThat(p.cancelled()).isEqualTo(50);
        assertThat(p.queued()).isZero();
        assertThat(p.percent()).isEqualTo(16.7);
    }

    @Test
    void aRunningRunShowsWhatItEvaluatedSoFar() {
        Progress p = ConsoleRoutes.progress(run(RunState.RUNNING, 60), stats(35, 25, 0, 0));
        assertThat(p.processed()).isEqualTo(25);
        assertThat(p.queued()).isEqualTo(35);
        assertThat(p.percent()).isEqualTo(41.7);
        assertThat(ConsoleRoutes.progress(run(RunState.COMPLETED, 0), stats(0, 0, 0, 0)).percent()).isEqualTo(100.0);
        assertThat(ConsoleRoutes.progress(run(RunState.CANCELLED, 0), stats(0, 0, 0, 0)).percent()).isZero();
    }

    @Test
    void streamedPercentStaysWithinZeroAndOneHundred() {
        assertThat(io.verdict.scheduler.http.sse.EventJsonAccess.percent(-1, 1000)).isZero();
        assertThat(io.verdict.scheduler.http.sse.EventJsonAccess.percent(1200, 1000)).isEqualTo(100.0);
        assertThat(io.verdict.scheduler.http.sse.EventJsonAccess.percent(250, 1000)).isEqualTo(25.0);
    }
}
