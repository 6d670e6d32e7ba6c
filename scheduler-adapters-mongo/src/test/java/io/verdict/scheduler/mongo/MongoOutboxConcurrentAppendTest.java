package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch appends of several instances at once (the workers of a cluster ending their units of work together): each
 * batch goes in with one ordered insert, and when another instance took one of its ids meanwhile it reads again.
 * Nothing may be lost or stored twice, the ids must stay gapless (the feed's cursor relies on it), and a run's
 * envelopes must keep the order they were published in.
 */
class MongoOutboxConcurrentAppendTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoOutboxConcurrentAppendTest.class);
    private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");
    private static final int INSTANCES = 4;
    private static final int BATCHES = 25;
    private static final int PER_BATCH = 8;

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    private static EventEnvelope envelope(String runId, int n) {
        String key = "scheduler.delta.recorded:" + runId + ":" + n;
        return new EventEnvelope("id-" + key, "scheduler.delta.recorded", 1, "acme", T0, "corr-" + runId, key,
                Map.of("runId", runId, "n", n));
    }

    @Test
    void concurrentBatchesLoseNothingStoreNothingTwiceAndKeepEachRunsOrder() throws Exception {
        MongoDatabase db = DB.fresh();
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                String runId = "run-" + i;
                MongoOutboxStore outbox = new MongoOutboxStore(db); // an instance of its own, as on another node
                done.add(pool.submit(() -> {
                    start.await();
                    for (int b = 0; b < BATCHES; b++) {
                        List<EventEnvelope> batch = new ArrayList<>();
                        for (int k = 0; k < PER_BATCH; k++) batch.add(envelope(runId, b * PER_BATCH + k));
                        // the previous batch's last envelope once more: a relay after a crash repeats what went in
                        if (b > 0) batch.add(0, envelope(runId, b * PER_BATCH - 1));
                        List<OutboxEntry> stored = outbox.appendAll(runId, batch, T0);
                        assertThat(stored).extracting(e -> e.envelope().idempotencyKey())
                                .containsExactlyElementsOf(batch.stream().map(EventEnvelope::idempotencyKey).toList());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }

        List<OutboxEntry> all = new ArrayList<>();
        MongoOutboxStore reader = new MongoOutboxStore(db);
        for (List<OutboxEntry> page = reader.after("acme", 0, 500); !page.isEmpty();
             page = reader.after("acme", page.get(page.size() - 1).id(), 500)) {
            all.addAll(page);
        }
        int expected = INSTANCES * BATCHES * PER_BATCH;
        assertThat(all).as("every envelope once").hasSize(expected);
        for (int i = 0; i < all.size(); i++) assertThat(all.get(i).id()).as("ids without a gap").isEqualTo(i + 1);
        Map<String, Integer> lastOfRun = new HashMap<>();
        for (OutboxEntry e : all) {
            int n = ((Number) e.envelope().payload().get("n")).intValue();
            Integer before = lastOfRun.put(e.runId(), n);
            assertThat(n).as("run %s in publishing order", e.runId()).isEqualTo(before == null ? 0 : before + 1);
        }
    }
}
