package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.inmemory.InMemoryOutboxStore;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxDispatcherTest {
    private static final OutboxDispatcher.Settings SETTINGS = new OutboxDispatcher.Settings(3, Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(50), 100);

    /** Refuses the first {@code refusals} deliveries, then records what it accepts. */
    static final class FlakySink implements EventSink {
        final AtomicInteger refusalsLeft;
        final List<EventEnvelope> accepted = Collections.synchronizedList(new ArrayList<>());

        FlakySink(int refusals) {
            this.refusalsLeft = new AtomicInteger(refusals);
        }

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public void deliver(OutboxEntry entry) {
            if (refusalsLeft.getAndDecrement() > 0) throw new IllegalStateException("HTTP 503");
            accepted.add(entry.envelope());
        }
    }

    static final class CountingMetrics implements SchedulerMetrics {
        final Map<String, Integer> results = new ConcurrentHashMap<>();
        volatile OutboxCounts counts;

        @Override
        public void outboxDelivery(String result) {
            results.merge(result, 1, Integer::sum);
        }

        @Override
        public void outboxCounts(long pending, long retrying, long delivered, long dead) {
            counts = new OutboxCounts(pending, retrying, delivered, dead);
        }
    }

    private static EventEnvelope envelope(String runId, String kind) {
        return new EventEnvelope("e-" + kind + runId, kind, 1, "acme", Instant.EPOCH, "c", kind + ":" + runId,
                Map.of("runId", runId));
    }

    @Test
    void backoffDoublesFromTheInitialPauseUpToTheCap() {
        assertThat(List.of(SETTINGS.backoff(1), SETTINGS.backoff(2), SETTINGS.backoff(3), SETTINGS.backoff(4), SETTINGS.backoff(40)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
    }

    @Test
    void refusedDeliveriesAreRetriedAfterTheBackoffAndKeepTheRunsOrder() {
        ManualClock clock = ManualClock.at("2025-10-26T14:00:00Z");
        InMemoryOutboxStore store = new InMemoryOutboxStore();
        FlakySink sink = new FlakySink(2);
        CountingMetrics metrics = new CountingMetrics();
        OutboxDispatcher d = new OutboxDispatcher(store, List.of(sink), metrics, clock, SETTINGS);
        store.append("run-a", envelope("run-a", "scheduler.run.started"), clock.instant());
        store.append("run-a", envelope("run-a", "scheduler.run.completed"), clock.instant());

        d.dispatchOnce(); // refused (1st failure) -> due in 1 s
        clock.advance(Duration.ofMillis(999));
        assertThat(d.dispatchOnce()).isZero();
        clock.advance(Duration.ofMillis(1));
        d.dispatchOnce(); // refused (2nd failure) -> due in 2 s
        clock.advance(Duration.ofMillis(1999));
        assertThat(d.dispatchOnce()).isZero();
        clock.advance(Duration.ofMillis(1));
        d.dispatchOnce(); // started accepted
        d.dispatchOnce(); // completed accepted

        assertThat(sink.accepted).extracting(EventEnvelope::kind)
                .containsExactly("scheduler.run.started", "scheduler.run.completed");
        assertThat(metrics.results).containsEntry("failed", 2).containsEntry("delivered", 2).doesNotContainKey("dead");
        clock.advance(SETTINGS.pollInterval()); // the gauges are read at most once per poll interval
        d.dispatchOnce();
        assertThat(metrics.counts).isEqualTo(new OutboxCounts(0, 0, 2, 0));
    }

    @Test
    void anEntryIsDeadLetteredAfterMaxAttemptsAndTheRunMovesOn() {
        ManualClock clock = ManualClock.at("2025-10-26T14:00:00Z");
        InMemoryOutboxStore store = new InMemoryOutboxStore();
        FlakySink sink = new FlakySink(3);
        CountingMetrics metrics = new CountingMetrics();
        OutboxDispatcher d = new OutboxDispatcher(store, List.of(sink), metrics, clock, SETTINGS);
        OutboxEntry first = store.append("run-a", envelope("run-a", "scheduler.run.started"), clock.instant());
        store.append("run-a", envelope("run-a", "scheduler.run.completed"), clock.instant());

        for (int i = 0; i < 3; i++) {
            d.dispatchOnce();
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(store.deadLetters("acme", 0, 10)).extracting(OutboxEntry::id).containsExactly(first.id());
        assertThat(metrics.results).containsEntry("failed", 2).containsEntry("dead", 1);
        d.dispatchOnce();
        assertThat(sink.accepted).extracting(EventEnvelope::kind).containsExactly("scheduler.run.completed");

        assertThat(store.replay("acme", first.id(), clock.instant())).isTrue();
        d.dispatchOnce();
        assertThat(sink.accepted).extracting(EventEnvelope::kind)
                .containsExactly("scheduler.run.completed", "scheduler.run.started");
    }

    @Test
    void aSinkThatDeclinesAnEntryDoesNotHoldItUp() {
        ManualClock clock = ManualClock.at("2025-10-26T14:00:00Z");
        InMemoryOutboxStore store = new InMemoryOutboxStore();
        EventSink declining = new EventSink() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public boolean accepts(OutboxEntry entry) {
                return false;
            }

            @Override
            public void deliver(OutboxEntry entry) {
                throw new AssertionError("must not be called");
            }
        };
        OutboxDispatcher d = new OutboxDispatcher(store, List.of(declining), SchedulerMetrics.NONE, clock, SETTINGS);
        store.append("run-a", envelope("run-a", "scheduler.run.started"), clock.instant());
        d.dispatchOnce();
        assertThat(store.counts().delivered()).isEqualTo(1);
    }

    @Test
    void everyEventOfARunReachesTheSinkOnceAndInOrderThroughTheSchedulersDispatcher() throws Exception {
        FlakySink sink = new FlakySink(3);
        InMemoryOutboxStore store = new InMemoryOutboxStore();
        OutboxDispatcher.Settings fast = new OutboxDispatcher.Settings(10, Duration.ofMillis(5), Duration.ofMillis(20),
                Duration.ofSeconds(30), Duration.ofMillis(20), 100);
        try (Scheduler s = Scheduler.builder().seed(3).outbox(store, List.of(sink), fast)
                .evidenceSigner(Ed25519Keys.signer(Ed25519Keys.generate())).build()) {
            TestEstate.images("acme", 12).forEach(s::indexImage);
            var planned = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:deb/debian/openssl@3.0.11-1"), null));
            var w = s.newWorker("w");
            while (w.runOnce()) { }
            String runId = planned.run().id();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!hasKind(sink, "scheduler.report.ready") && System.nanoTime() < deadline) Thread.sleep(20);

            List<String> kinds = sink.accepted.stream().filter(e -> runId.equals(e.payload().get("runId")))
                    .map(EventEnvelope::kind).toList();
            assertThat(kinds.get(0)).isEqualTo("scheduler.run.started");
            assertThat(kinds.subList(kinds.size() - 2, kinds.size()))
                    .containsExactly("scheduler.run.completed", "scheduler.report.ready");
            assertThat(kinds.subList(1, kinds.size() - 2)).allMatch("scheduler.rescan.delta"::equals);
            Map<String, Integer> perKey = new HashMap<>();
            sink.accepted.forEach(e -> perKey.merge(e.idempotencyKey(), 1, Integer::sum));
            assertThat(perKey.values()).allMatch(n -> n == 1);
            assertThat(perKey).hasSize(store.after("acme", 0, 1000).size());
        }
    }

    private static boolean hasKind(FlakySink sink, String kind) {
        synchronized (sink.accepted) {
            return sink.accepted.stream().anyMatch(e -> e.kind().equals(kind));
        }
    }
}
