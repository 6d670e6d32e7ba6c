package io.verdict.scheduler.contracts;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.tx.UnitOfWork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link UnitOfWork} must do with the run store and outbox of the same storage: a block that ends stores
 * the run write and its envelopes; a lost version race stores neither; blocks nest. Stores that can undo
 * ({@link Fixture#rollsBack}: JDBC transactions, Mongo's held-back single-document write) also store neither when
 * the block fails after both writes. The in-memory one cannot undo, and loses everything in a crash anyway.
 */
public abstract class UnitOfWorkContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    /** A unit of work with the run store and outbox it covers, all empty. */
    public record Fixture(UnitOfWork work, RunStore runs, OutboxStore outbox, boolean rollsBack) {}

    protected abstract Fixture newFixture();

    private Fixture f;

    @BeforeEach
    public void create() {
        f = newFixture();
    }

    protected static Run queued(String id) {
        return new Run(id, "acme", null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, RunState.QUEUED,
                RunReason.manual("because", "corr-" + id), T0, null, null, null, null, "digest-" + id, 1, 10, 8, 0);
    }

    protected static EventEnvelope envelope(String runId, String kind) {
        String key = kind + ":" + runId;
        return new EventEnvelope("id-" + key, kind, 1, "acme", T0, "corr-" + runId, key, Map.of("runId", runId));
    }

    private List<String> keys() {
        return f.outbox().after("acme", 0, 100).stream().map(e -> e.envelope().idempotencyKey()).toList();
    }

    @Test
    public void aBlockThatEndsStoresTheRunAndItsEnvelopes() {
        Run run = queued("run-1");
        f.runs().insert(run);
        Run running = run.transition(RunState.RUNNING, T0.plusSeconds(1), null);

        Run stored = f.work().inTransaction(() -> {
            Run r = f.runs().update(running);
            f.outbox().appendAll("run-1", List.of(envelope("run-1", "scheduler.run.started"),
                    envelope("run-1", "scheduler.run.progress")), T0);
            return r;
        });

        assertThat(stored.version()).isEqualTo(running.version());
        assertThat(f.runs().find("run-1").orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(keys()).containsExactly("scheduler.run.started:run-1", "scheduler.run.progress:run-1");
    }

    @Test
    public void aLostVersionRaceStoresNoEnvelope() {
        Run run = queued("run-1");
        f.runs().insert(run);
        Run cancelled = f.runs().update(run.transition(RunState.CANCELLED, T0.plusSeconds(1), null)); // the winner
        Run stale = run.transition(RunState.COMPLETED, T0.plusSeconds(2), null);

        assertThatThrownBy(() -> f.work().run(() -> {
            f.runs().update(stale);
            f.outbox().append("run-1", envelope("run-1", "scheduler.run.completed"), T0);
        })).isInstanceOf(ConcurrentUpdateException.class);

        assertThat(f.runs().find("run-1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(f.runs().find("run-1").orElseThrow().version()).isEqualTo(cancelled.version());
        assertThat(keys()).isEmpty();
    }

    @Test
    public void aFailureAfterBothWritesStoresNeither() {
        assumeTrue(f.rollsBack(), "this unit of work cannot undo");
        Run run = queued("run-1");
        f.runs().insert(run);

        assertThatThrownBy(() -> f.work().run(() -> {
            f.runs().update(run.transition(RunState.COMPLETED, T0.plusSeconds(1), null));
            f.outbox().append("run-1", envelope("run-1", "scheduler.run.completed"), T0);
            throw new IllegalStateException("crash before the end of the block");
        })).hasMessageContaining("crash");

        assertThat(f.runs().find("run-1").orElseThrow().state()).isEqualTo(RunState.QUEUED);
        assertThat(f.runs().find("run-1").orElseThrow().version()).isEqualTo(run.version());
        assertThat(keys()).isEmpty();
        // Nothing half-done blocks the next attempt.
        f.work().run(() -> {
            f.runs().update(run.transition(RunState.COMPLETED, T0.plusSeconds(2), null));
            f.outbox().append("run-1", envelope("run-1", "scheduler.run.completed"), T0);
        });
        assertThat(keys()).containsExactly("scheduler.run.completed:run-1");
    }

    @Test
    public void innerBlocksJoinTheOuterOne() {
        Run run = queued("run-1");
        f.runs().insert(run);
        Run running = run.transition(RunState.RUNNING, T0.plusSeconds(1), null);

        f.work().run(() -> {
            f.work().run(() -> f.runs().update(running));
            f.outbox().append("run-1", envelope("run-1", "scheduler.run.started"), T0);
        });
        assertThat(f.runs().find("run-1").orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(keys()).containsExactly("scheduler.run.started:run-1");

        if (!f.rollsBack()) return;
        assertThatThrownBy(() -> f.work().run(() -> {
            f.work().run(() -> f.runs().update(running.transition(RunState.COMPLETED, T0.plusSeconds(2), null)));
            f.outbox().append("run-1", envelope("run-1", "scheduler.run.completed"), T0);
            throw new IllegalStateException("outer block fails after the inner one ended");
        })).hasMessageContaining("outer");
        assertThat(f.runs().find("run-1").orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(keys()).containsExactly("scheduler.run.started:run-1");
    }

    @Test
    public void envelopesWithoutARunWriteAreStoredAtTheEndOfTheBlock() {
        f.work().run(() -> f.outbox().appendAll("run-9", List.of(envelope("run-9", "scheduler.rescan.delta")), T0));
        List<OutboxEntry> feed = f.outbox().after("acme", 0, 10);
        assertThat(feed).hasSize(1);
        assertThat(feed.get(0).runId()).isEqualTo("run-9");
        assertThat(feed.get(0).nextAttemptAt()).isEqualTo(T0); // due when published, not when the block ended
    }

    @Test
    public void afterCommitActionsSeeTheCommittedEnvelopeAndAFailedBlockDropsThem() {
        List<List<String>> seen = new java.util.ArrayList<>();
        f.work().run(() -> {
            f.outbox().append("run-1", envelope("run-1", "scheduler.run.started"), T0);
            f.work().afterCommit(() -> seen.add(keys()));
            if (f.rollsBack()) assertThat(seen).as("not before the block ends").isEmpty();
        });
        assertThat(seen).containsExactly(List.of("scheduler.run.started:run-1"));

        List<String> ranAfterFailure = new java.util.ArrayList<>();
        if (f.rollsBack()) {
            assertThatThrownBy(() -> f.work().run(() -> {
                f.work().afterCommit(() -> ranAfterFailure.add("ran"));
                throw new IllegalStateException("fails");
            })).hasMessage("fails");
            assertThat(ranAfterFailure).isEmpty();
        }
        f.work().afterCommit(() -> ranAfterFailure.add("outside a block"));
        assertThat(ranAfterFailure).containsExactly("outside a block");
    }
}
