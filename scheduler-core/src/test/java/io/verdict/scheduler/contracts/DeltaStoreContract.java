package io.verdict.scheduler.contracts;

import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.TopFinding;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link DeltaStore} adapter must do: recording is idempotent on (runId, imageDigest). */
public abstract class DeltaStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    protected DeltaStore store;

    /** A store with no deltas in it. */
    protected abstract DeltaStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    protected static DeltaSummary delta(String runId, String digest, int newFindings) {
        return new DeltaSummary(runId, "acme", digest, newFindings, new SeverityCounts(0, newFindings, 0, 0, 0, 0, 0), List.of(), List.of(),
                null, T0);
    }

    @Test
    public void recordedDeltaComesBackWithEveryField() {
        DeltaSummary full = new DeltaSummary("run-1", "acme", D1, 5, new SeverityCounts(1, 2, 1, 1, 3, 2, 2), List.of("CVE-2024-3094", "CVE-2021-44228"),
                List.of(new TopFinding("pkg:deb/debian/xz-utils@5.6.0", "CVE-2024-3094", Severity.CRITICAL, true),
                        new TopFinding("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "CVE-2021-44228",
                                Severity.HIGH, false)),
                "https://scanner.example/reports/r-1", T0);
        assertThat(store.record(full)).isTrue();
        assertThat(store.find("run-1", D1)).contains(full);
        assertThat(store.forRun("run-1")).containsExactly(full);
    }

    @Test
    public void deltaWithoutOptionalFieldsComesBackTheSame() {
        DeltaSummary bare = delta("run-1", D2, 0);
        store.record(bare);
        assertThat(store.find("run-1", D2)).contains(bare);
    }

    @Test
    public void redeliveryOfTheSameImageResultChangesNothing() {
        DeltaSummary first = delta("run-1", D1, 3);
        assertThat(store.record(first)).isTrue();
        assertThat(store.record(delta("run-1", D1, 99))).isFalse();
        assertThat(store.find("run-1", D1)).contains(first);
        assertThat(store.forRun("run-1")).containsExactly(first);
    }

    @Test
    public void sameImageInAnotherRunIsADifferentDelta() {
        assertThat(store.record(delta("run-1", D1, 1))).isTrue();
        assertThat(store.record(delta("run-2", D1, 2))).isTrue();
        assertThat(store.forRun("run-2")).containsExactly(delta("run-2", D1, 2));
    }

    @Test
    public void deltasOfARunAreSortedByImageDigest() {
        store.record(delta("run-1", D3, 1));
        store.record(delta("run-1", D1, 1));
        store.record(delta("other", D2, 1));
        store.record(delta("run-1", D2, 1));
        assertThat(store.forRun("run-1")).extracting(DeltaSummary::imageDigest).containsExactly(D1, D2, D3);
        assertThat(store.forRun("nothing")).isEmpty();
        assertThat(store.find("run-1", "sha256:" + "f".repeat(64))).isEmpty();
    }

    @Test
    public void concurrentRedeliveriesRecordOnce() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int n = t;
                results.add(pool.submit(() -> {
                    start.await();
                    return store.record(delta("run-c", D1, n + 1));
                }));
            }
            start.countDown();
            int recorded = 0;
            for (Future<Boolean> f : results) if (f.get(30, TimeUnit.SECONDS)) recorded++;
            assertThat(recorded).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.forRun("run-c")).hasSize(1);
    }

    @Test
    public void batchRecordIsIdempotentPerImageAndReportsOnlyTheNewOnes() {
        assertThat(store.record(delta("run-1", D2, 1))).isTrue();
        List<DeltaSummary> fresh = store.recordAll(List.of(delta("run-1", D1, 2), delta("run-1", D2, 9),
                delta("run-1", D3, 3)));
        assertThat(fresh).extracting(DeltaSummary::imageDigest).containsExactly(D1, D3);
        assertThat(store.recordAll(List.of(delta("run-1", D1, 2), delta("run-1", D3, 3)))).isEmpty();
        assertThat(store.find("run-1", D2).orElseThrow().newFindings()).as("first recording kept").isEqualTo(1);
        assertThat(store.forRun("run-1")).hasSize(3);
        assertThat(store.findAll("run-1", List.of(D3, D1, "sha256:" + "f".repeat(64)))).containsOnlyKeys(D1, D3);
        assertThat(store.findAll("run-2", List.of(D1))).isEmpty();
        assertThat(store.recordAll(List.of())).isEmpty();
    }
}
