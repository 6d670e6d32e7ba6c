package io.verdict.scheduler.schedules;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link TickLedger} adapter must do; the Mongo adapter extends this with its own {@link #ledger()}.
 * Shipped in scheduler-core's test-jar.
 */
public abstract class TickLedgerContract {
    private static final Instant T0 = Instant.parse("2025-10-26T01:00:00Z");
    private TickLedger ledger;

    /** A fresh, empty ledger. */
    protected abstract TickLedger ledger();

    @BeforeEach
    public void fresh() {
        ledger = ledger();
    }

    private static TickDecision decision(String tenant, String schedule, Instant fireTime, TickDecision.Outcome outcome,
                                         String by) {
        return new TickDecision(tenant, schedule, fireTime, outcome, null, null, null, fireTime.plusSeconds(5), by);
    }

    @Test
    public void firstDecisionForAFireTimeWins() {
        TickDecision a = decision("t1", "sch-1", T0, TickDecision.Outcome.FIRING, "node-a");
        TickDecision b = decision("t1", "sch-1", T0, TickDecision.Outcome.MISSED, "node-b");
        assertThat(ledger.record(a)).isTrue();
        assertThat(ledger.record(b)).isFalse();
        assertThat(ledger.find("t1", "sch-1", T0)).contains(a);
    }

    @Test
    public void keysIncludeTenantScheduleAndFireTime() {
        assertThat(ledger.record(decision("t1", "sch-1", T0, TickDecision.Outcome.FIRED, "n"))).isTrue();
        assertThat(ledger.record(decision("t2", "sch-1", T0, TickDecision.Outcome.FIRED, "n"))).isTrue();
        assertThat(ledger.record(decision("t1", "sch-2", T0, TickDecision.Outcome.FIRED, "n"))).isTrue();
        assertThat(ledger.record(decision("t1", "sch-1", T0.plusSeconds(60), TickDecision.Outcome.FIRED, "n"))).isTrue();
        assertThat(ledger.find("t3", "sch-1", T0)).isEmpty();
        assertThat(ledger.list("t2", "sch-1", null, 10)).hasSize(1);
    }

    @Test
    public void recordAllStoresOnlyTheNewKeysAndSaysWhichOnes() {
        TickDecision existing = decision("t1", "sch-1", T0, TickDecision.Outcome.FIRED, "node-a");
        ledger.record(existing);
        List<TickDecision> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(decision("t1", "sch-1", T0.plusSeconds(-3600L * i), TickDecision.Outcome.MISSED, "node-b"));
        }
        List<TickDecision> stored = ledger.recordAll(batch);
        assertThat(stored).containsExactlyElementsOf(batch.subList(1, 3));
        assertThat(ledger.find("t1", "sch-1", T0)).contains(existing);
        assertThat(ledger.list("t1", "sch-1", null, 10)).hasSize(3);
        assertThat(ledger.recordAll(List.of())).isEmpty();
    }

    @Test
    public void replaceOnlyFromTheExpectedDecision() {
        TickDecision claim = decision("t1", "sch-1", T0, TickDecision.Outcome.FIRING, "node-a");
        ledger.record(claim);
        TickDecision fired = claim.fired("run:t1:1", "planned");
        TickDecision otherClaim = decision("t1", "sch-1", T0, TickDecision.Outcome.FIRING, "node-b");
        assertThat(ledger.replace(otherClaim, otherClaim.failed("ERR_RUN_009", "stale"))).isFalse();
        assertThat(ledger.replace(claim, fired)).isTrue();
        assertThat(ledger.replace(claim, claim.failed("ERR_RUN_009", "stale"))).isFalse();
        assertThat(ledger.find("t1", "sch-1", T0)).contains(fired);
    }

    @Test
    public void removeOnlyTheExpectedDecision() {
        TickDecision claim = decision("t1", "sch-1", T0, TickDecision.Outcome.FIRING, "node-a");
        ledger.record(claim);
        assertThat(ledger.remove(decision("t1", "sch-1", T0, TickDecision.Outcome.FIRING, "node-b"))).isFalse();
        assertThat(ledger.remove(claim)).isTrue();
        assertThat(ledger.find("t1", "sch-1", T0)).isEmpty();
        assertThat(ledger.record(decision("t1", "sch-1", T0, TickDecision.Outcome.FIRING, "node-b"))).isTrue();
    }

    @Test
    public void listsNewestFireTimeFirstWithCursorPaging() {
        for (int i = 0; i < 5; i++) {
            ledger.record(decision("t1", "sch-1", T0.plusSeconds(3600L * i), TickDecision.Outcome.MISSED, "n"));
        }
        List<TickDecision> page1 = ledger.list("t1", "sch-1", null, 2);
        assertThat(page1).extracting(TickDecision::fireTime)
                .containsExactly(T0.plusSeconds(4 * 3600), T0.plusSeconds(3 * 3600));
        List<TickDecision> page2 = ledger.list("t1", "sch-1", page1.get(1).fireTime(), 10);
        assertThat(page2).extracting(TickDecision::fireTime)
                .containsExactly(T0.plusSeconds(2 * 3600), T0.plusSeconds(3600), T0);
        assertThat(ledger.list("t1", "sch-unknown", null, 10)).isEmpty();
    }

    @Test
    public void cursorOnlyMovesForward() {
        assertThat(ledger.lastFireTime("t1", "sch-1")).isEmpty();
        ledger.advance("t1", "sch-1", T0);
        ledger.advance("t1", "sch-1", T0.minusSeconds(60));
        assertThat(ledger.lastFireTime("t1", "sch-1")).contains(T0);
        ledger.advance("t1", "sch-1", T0.plusSeconds(60));
        assertThat(ledger.lastFireTime("t1", "sch-1")).contains(T0.plusSeconds(60));
        assertThat(ledger.lastFireTime("t2", "sch-1")).isEmpty();
    }

    @Test
    public void concurrentRecordsOfTheSameFireTimeStoreExactlyOne() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int n = 0; n < threads; n++) {
            String node = "node-" + n;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    if (ledger.record(decision("t1", "sch-1", T0.plusSeconds(60L * i), TickDecision.Outcome.FIRING, node))) {
                        winners.add(node + "@" + i);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (var f : futures) f.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(winners).hasSize(200);
        assertThat(ledger.list("t1", "sch-1", null, 500)).hasSize(200);
    }
}
