package io.verdict.scheduler.redis;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EnvelopeJson;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.inmemory.InMemoryOutboxStore;
import io.verdict.scheduler.observability.SchedulerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the Redis at 127.0.0.1:6379, under a key prefix of its own. */
class RedisEventStreamSinkTest {
    private final RedisConnection redis = RedisTestSupport.connect();
    private final String prefix = RedisTestSupport.uniquePrefix();

    @AfterEach
    void clean() {
        RedisTestSupport.deleteKeys(redis, prefix);
        redis.close();
    }

    private static EventEnvelope envelope(String runId, String kind) {
        return new EventEnvelope("id-" + kind, kind, 1, "acme", Instant.parse("2025-10-26T14:05:11Z"), "corr",
                kind + ":" + runId, Map.of("runId", runId, "n", 3));
    }

    @Test
    void theDispatcherPutsEveryEnvelopeOfARunOnTheStreamInOrder() {
        RedisEventStreamSink sink = new RedisEventStreamSink(redis, prefix, 10_000);
        InMemoryOutboxStore outbox = new InMemoryOutboxStore();
        List<EventEnvelope> sent = List.of(envelope("run-1", "scheduler.run.started"),
                envelope("run-1", "scheduler.rescan.delta"), envelope("run-1", "scheduler.run.completed"));
        for (EventEnvelope e : sent) outbox.append("run-1", e, Instant.EPOCH);
        OutboxDispatcher d = new OutboxDispatcher(outbox, List.of(sink), SchedulerMetrics.NONE, Clock.systemUTC(),
                OutboxDispatcher.Settings.DEFAULT);
        while (d.dispatchOnce() > 0) { }

        assertThat(sink.key()).isEqualTo(prefix + "scheduler:events");
        List<StreamMessage<String, String>> onStream = redis.commands().xrange(sink.key(), Range.create("-", "+"));
        assertThat(onStream).extracting(m -> m.getBody().get("kind"))
                .containsExactly("scheduler.run.started", "scheduler.rescan.delta", "scheduler.run.completed");
        assertThat(onStream.get(2).getBody()).containsEntry("tenant", "acme").containsEntry("runId", "run-1")
                .containsEntry("idempotencyKey", "scheduler.run.completed:run-1")
                .containsEntry("envelope", EnvelopeJson.write(sent.get(2)));
        assertThat(outbox.counts().delivered()).isEqualTo(3);
    }

    @Test
    void theStreamIsTrimmedToAboutItsMaximumLength() {
        RedisEventStreamSink sink = new RedisEventStreamSink(redis, prefix, 10);
        InMemoryOutboxStore outbox = new InMemoryOutboxStore();
        for (int i = 0; i < 500; i++) {
            sink.deliver(outbox.append("run-" + i, envelope("run-" + i, "scheduler.run.started"), Instant.EPOCH));
        }
        // approximate trimming removes whole macro-nodes (100 entries by default): far below 500, never unbounded
        assertThat(redis.commands().xlen(sink.key())).isLessThan(250);
    }
}
