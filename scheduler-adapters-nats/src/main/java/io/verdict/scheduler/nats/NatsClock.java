package io.verdict.scheduler.nats;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The NATS server's time, as lease and lock expiry must be judged by one clock for the whole cluster, not by each
 * node's own (SPEC §15). NATS has no TIME command, so the clock writes a key and reads back the server's stamp on it,
 * taking the offset to the local clock at the middle of the round trip (error ≤ half the round trip, well under a
 * millisecond on one network), and samples again every {@link #RESAMPLE}. Until the first sample the offset is zero.
 */
final class NatsClock {
    static final Duration RESAMPLE = Duration.ofSeconds(30);

    private final KeyValue bucket;
    private final String key;
    private final Clock local;
    private volatile long offsetNanos;
    private volatile long sampledAtNanos = Long.MIN_VALUE;

    NatsClock(KeyValue bucket, String node) {
        this(bucket, node, Clock.systemUTC());
    }

    NatsClock(KeyValue bucket, String node, Clock local) {
        this.bucket = bucket;
        this.key = "clock." + NatsNames.token(node);
        this.local = local;
    }

    Instant now() {
        long mono = System.nanoTime();
        if (sampledAtNanos == Long.MIN_VALUE || mono - sampledAtNanos > RESAMPLE.toNanos()) sample(mono);
        return local.instant().plusNanos(offsetNanos);
    }

    private synchronized void sample(long mono) {
        if (sampledAtNanos != Long.MIN_VALUE && mono - sampledAtNanos <= RESAMPLE.toNanos()) return;
        try {
            Instant before = local.instant();
            long revision = bucket.put(key, "t".getBytes(StandardCharsets.US_ASCII));
            Instant after = local.instant();
            KeyValueEntry e = bucket.get(key, revision);
            if (e == null || e.getCreated() == null) return;
            Instant mid = before.plus(Duration.between(before, after).dividedBy(2));
            offsetNanos = Duration.between(mid, e.getCreated().toInstant()).toNanos();
            sampledAtNanos = mono;
        } catch (Exception unreachable) {
            // keep the last offset: a server that cannot be reached cannot be written to either
        }
    }
}
