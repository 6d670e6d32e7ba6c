package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

public final class InMemoryLockService implements LockService {
    private final Clock clock;
    private final Map<String, LockLease> held = new HashMap<>();
    private final Map<String, Long> tokens = new HashMap<>();

    public InMemoryLockService(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<LockLease> tryAcquire(String name, String owner, Duration ttl) {
        Instant now = clock.instant();
        LockLease current = held.get(name);
        if (current != null && current.expiresAt().isAfter(now)) return Optional.empty();
        long token = tokens.merge(name, 1L, Long::sum);
        LockLease lease = new LockLease(name, owner, token, now.plus(ttl));
        held.put(name, lease);
        return Optional.of(lease);
    }

    @Override
    public synchronized boolean release(LockLease lease) {
        LockLease current = held.get(lease.name());
        if (current == null || current.fencingToken() != lease.fencingToken()) return false;
        held.remove(lease.name());
        return true;
    }
}
