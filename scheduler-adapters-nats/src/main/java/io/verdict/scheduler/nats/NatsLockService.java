package io.verdict.scheduler.nats;

import io.verdict.scheduler.events.codec.JsonFields;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Locks in the key-value bucket {@code <ns>_locks}, key {@code lock.<name>}, value {@code {"expiresAt","owner"}}.
 * Every change is revision-checked (create-if-absent, update-if-revision, delete-if-revision), so two nodes can never
 * both win a lock. The entry's revision is the fencing token: it is the sequence number of the bucket's stream, which
 * grows with every write to any key and is kept on disk, so it never goes backwards — not across keys, not across a
 * NATS restart with its data. Expiry is judged by the server's clock ({@link NatsClock}).
 */
public final class NatsLockService implements LockService {
    private final KeyValue bucket;
    private final NatsClock clock;

    public NatsLockService(NatsConnection nats, String namespace) {
        this.bucket = nats.bucket(NatsNames.namespace(namespace) + "_locks", "verdict scheduler locks");
        this.clock = new NatsClock(bucket, "locks-" + UUID.randomUUID());
    }

    private static String key(String name) {
        return "lock." + NatsNames.token(name);
    }

    @Override
    public Optional<LockLease> tryAcquire(String name, String owner, Duration ttl) {
        String key = key(name);
        Instant now = clock.now();
        Instant expiresAt = now.plus(ttl);
        byte[] value = CanonicalJson.write(Map.of("owner", owner, "expiresAt", expiresAt.toString()))
                .getBytes(StandardCharsets.UTF_8);
        try {
            KeyValueEntry current = bucket.get(key);
            long revision;
            if (current == null || current.getOperation() != KeyValueOperation.PUT) {
                revision = bucket.create(key, value); // also takes over a delete marker, checking its revision
            } else {
                if (expiresAt(current).isAfter(now)) return Optional.empty();
                revision = bucket.update(key, value, current.getRevision());
            }
            return Optional.of(new LockLease(name, owner, revision, expiresAt));
        } catch (JetStreamApiException lost) {
            return Optional.empty(); // wrong last sequence: another node wrote first
        } catch (Exception e) {
            throw NatsFailures.unchecked("acquire lock " + name, e);
        }
    }

    @Override
    public boolean release(LockLease lease) {
        String key = key(lease.name());
        try {
            KeyValueEntry current = bucket.get(key);
            if (current == null || current.getOperation() != KeyValueOperation.PUT) return false;
            if (current.getRevision() != lease.fencingToken()) return false;
            bucket.delete(key, current.getRevision());
            return true;
        } catch (JetStreamApiException lost) {
            return false;
        } catch (Exception e) {
            throw NatsFailures.unchecked("release lock " + lease.name(), e);
        }
    }

    private static Instant expiresAt(KeyValueEntry e) {
        return Instant.parse(JsonFields.parse(e.getValueAsString(), "lock " + e.getKey()).string("expiresAt"));
    }
}
