package io.verdict.scheduler.redis;

import io.lettuce.core.XAddArgs;
import io.verdict.scheduler.events.outbox.EnvelopeJson;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxEntry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delivers outbox envelopes to the Redis stream {@code <prefix>scheduler:events} (one entry per envelope: fields
 * {@code eventId}, {@code kind}, {@code tenant}, {@code runId}, {@code idempotencyKey}, {@code envelope} = the
 * canonical JSON), for consumers that read with XREAD / consumer groups. The stream is trimmed to about
 * {@code maxLength} entries (approximate MAXLEN) so it never grows without bound. At least once like every sink:
 * a retry after a lost reply adds the entry again, consumers drop repeats by {@code idempotencyKey}.
 */
public final class RedisEventStreamSink implements EventSink {
    private final RedisConnection connection;
    private final String key;
    private final long maxLength;

    public RedisEventStreamSink(RedisConnection connection, String prefix, long maxLength) {
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1");
        this.connection = connection;
        this.key = prefix + "scheduler:events";
        this.maxLength = maxLength;
    }

    public String key() {
        return key;
    }

    @Override
    public String name() {
        return "redis-stream";
    }

    @Override
    public void deliver(OutboxEntry entry) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eventId", entry.envelope().eventId());
        fields.put("kind", entry.envelope().kind());
        fields.put("tenant", entry.envelope().tenant());
        fields.put("runId", entry.runId());
        fields.put("idempotencyKey", entry.envelope().idempotencyKey());
        fields.put("envelope", EnvelopeJson.write(entry.envelope()));
        connection.guard().call(() -> connection.commands().xadd(key,
                XAddArgs.Builder.maxlen(maxLength).approximateTrimming(), fields));
    }
}
