package io.verdict.scheduler.contracts;

import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.CursorStore;
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

/** What every {@link CursorStore} adapter must do: resumable cursors and first-writer-wins event intake. */
public abstract class CursorStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    protected CursorStore store;

    /** A store with no cursors and no processed events. */
    protected abstract CursorStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    @Test
    public void savedCursorComesBackAndIsReplacedBySaveForTheSameSource() {
        assertThat(store.find("acme", "concelier")).isEmpty();
        Cursor first = new Cursor("acme", "concelier", "evt-1", T0);
        store.save(first);
        assertThat(store.find("acme", "concelier")).contains(first);

        Cursor next = new Cursor("acme", "concelier", "evt-2", T0.plusSeconds(60));
        store.save(next);
        assertThat(store.find("acme", "concelier")).contains(next);
    }

    @Test
    public void cursorsAreKeptPerTenantAndSource() {
        Cursor advisories = new Cursor("acme", "concelier", "a-1", T0);
        Cursor vex = new Cursor("acme", "excititor", "v-1", T0.plusSeconds(1));
        Cursor otherTenant = new Cursor("globex", "concelier", "g-1", T0.plusSeconds(2));
        store.save(advisories);
        store.save(vex);
        store.save(otherTenant);
        assertThat(store.find("acme", "concelier")).contains(advisories);
        assertThat(store.find("acme", "excititor")).contains(vex);
        assertThat(store.find("globex", "concelier")).contains(otherTenant);
        assertThat(store.find("globex", "excititor")).isEmpty();
    }

    @Test
    public void cursorWithoutTimestampRoundTrips() {
        Cursor c = new Cursor("acme", "policy", "p-1", null);
        store.save(c);
        assertThat(store.find("acme", "policy")).contains(c);
    }

    @Test
    public void firstWriterWinsForAProcessedEvent() {
        assertThat(store.processedEvent("acme", "evt-1")).isEmpty();
        assertThat(store.markProcessed("acme", "evt-1", "run-1")).isTrue();
        assertThat(store.markProcessed("acme", "evt-1", "run-2")).isFalse();
        assertThat(store.processedEvent("acme", "evt-1")).contains("run-1");
    }

    @Test
    public void eventThatPlannedNothingIsRememberedAsEmptyRunId() {
        assertThat(store.markProcessed("acme", "evt-empty", null)).isTrue();
        assertThat(store.processedEvent("acme", "evt-empty")).contains("");
        assertThat(store.markProcessed("acme", "evt-empty", "run-late")).isFalse();
        assertThat(store.processedEvent("acme", "evt-empty")).contains("");
    }

    @Test
    public void sameEventIdOfAnotherTenantIsAnotherEvent() {
        assertThat(store.markProcessed("acme", "evt-1", "run-a")).isTrue();
        assertThat(store.markProcessed("globex", "evt-1", "run-g")).isTrue();
        assertThat(store.processedEvent("acme", "evt-1")).contains("run-a");
        assertThat(store.processedEvent("globex", "evt-1")).contains("run-g");
    }

    @Test
    public void concurrentIntakeOfTheSameEventHasOneWinner() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String runId = "run-" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    return store.markProcessed("acme", "evt-race", runId);
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            for (int t = 0; t < threads; t++) if (results.get(t).get(30, TimeUnit.SECONDS)) winners.add("run-" + t);
            assertThat(winners).hasSize(1);
            assertThat(store.processedEvent("acme", "evt-race")).contains(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }
}
