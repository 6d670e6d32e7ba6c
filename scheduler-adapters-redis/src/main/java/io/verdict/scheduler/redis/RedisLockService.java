package io.verdict.scheduler.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Named locks in Redis: {@code <prefix>scheduler:lock:<name>} is set with NX and PX (so expiry is Redis' own) and
 * holds {@code {"owner":…,"token":…}}; release is a compare-and-delete script, so a holder whose lock expired and
 * was taken over cannot delete the new holder's lock.
 *
 * <p>Fencing tokens come from one counter for all names ({@code <prefix>scheduler:lock:fencing}): a counter shared
 * by every name grows for each name too, and lock names that embed a tick time (one per schedule and tick) would
 * otherwise leave a counter key behind forever.
 *
 * <p>Tokens never go backwards: when the counter is missing (a fresh Redis, {@code FLUSHALL}, a failover to an empty
 * replica) an acquire does not count from 1 again; the counter is first seeded from {@code fencingFloor} and the
 * highest token this node issued (the same as {@link RedisSegmentQueue}'s counter).
 */
public final class RedisLockService implements LockService {
    private static final LuaScript ACQUIRE = LuaScript.fromResources("lock-acquire.lua");
    private static final LuaScript RELEASE = LuaScript.fromResources("lock-release.lua");
    private static final LuaScript SEED = LuaScript.fromResources("lock-seed-fencing.lua");

    private final RedisCommands<String, String> redis;
    private final RedisGuard guard;
    private final String prefix;
    private final LongSupplier fencingFloor;
    /** Highest token this node has handed out: a floor that needs no store. */
    private final AtomicLong highestIssued = new AtomicLong();

    public RedisLockService(RedisConnection connection, String prefix) {
        this(connection, prefix, () -> 0L);
    }

    /**
     * @param fencingFloor the highest lock token already used elsewhere (e.g. kept by a store); read whenever Redis
     *                     has no lock token counter — at start and after Redis lost its data
     */
    public RedisLockService(RedisConnection connection, String prefix, LongSupplier fencingFloor) {
        this.redis = Objects.requireNonNull(connection, "connection").commands();
        this.guard = connection.guard();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.fencingFloor = Objects.requireNonNull(fencingFloor, "fencingFloor");
        seedFencing();
    }

    /** Raises the lock token counter to the highest token known to be used; returns it. */
    public long seedFencing() {
        long floor = Math.max(fencingFloor.getAsLong(), highestIssued.get());
        Long now = guard.call(() -> SEED.run(redis, ScriptOutputType.INTEGER, new String[] {fencingKey()},
                Long.toString(floor)));
        return now;
    }

    String lockKey(String name) {
        return prefix + "scheduler:lock:" + name;
    }

    String fencingKey() {
        return prefix + "scheduler:lock:fencing";
    }

    @Override
    public Optional<LockLease> tryAcquire(String name, String owner, Duration ttl) {
        requireName(name);
        if (owner == null || owner.isBlank()) throw new IllegalArgumentException("lock owner is empty");
        if (ttl.toMillis() < 1) throw new IllegalArgumentException("lock ttl must be at least 1 ms");
        String[] keys = {lockKey(name), fencingKey()};
        String ownerJson = CanonicalJson.write(owner), ttlMs = Long.toString(ttl.toMillis());
        List<Object> out = guard.call(() -> ACQUIRE.run(redis, ScriptOutputType.MULTI, keys, ownerJson, ttlMs));
        if (!out.isEmpty() && (Long) out.get(0) < 0) {
            seedFencing(); // Redis lost its counter: seed it, then try once more
            out = guard.call(() -> ACQUIRE.run(redis, ScriptOutputType.MULTI, keys, ownerJson, ttlMs));
            if (!out.isEmpty() && (Long) out.get(0) < 0) return Optional.empty();
        }
        if (out.isEmpty()) return Optional.empty();
        long token = (Long) out.get(0);
        highestIssued.accumulateAndGet(token, Math::max);
        return Optional.of(new LockLease(name, owner, token, Instant.ofEpochMilli((Long) out.get(1))));
    }

    @Override
    public boolean release(LockLease lease) {
        requireName(lease.name());
        Long n = guard.call(() -> RELEASE.run(redis, ScriptOutputType.INTEGER, new String[] {lockKey(lease.name())},
                value(lease)));
        return n == 1L;
    }

    /** Exactly what {@code lock-acquire.lua} stored for this lease. */
    static String value(LockLease lease) {
        return CanonicalJson.write(Map.of("owner", lease.owner(), "token", lease.fencingToken()));
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("lock name is empty");
        if (name.equals("fencing")) throw new IllegalArgumentException("'fencing' is reserved as a lock name");
    }
}
