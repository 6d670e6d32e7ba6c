package io.verdict.scheduler.queue;

import java.time.Duration;
import java.util.Optional;

/** Named, expiring locks with fencing tokens (planner lock per tenant, cron tick lock per schedule and tick). */
public interface LockService {
    /** Acquires {@code name} for {@code ttl} unless another owner holds an unexpired lease on it. */
    Optional<LockLease> tryAcquire(String name, String owner, Duration ttl);

    /** Releases the lock if still held by this lease (compare-and-delete); returns false otherwise. */
    boolean release(LockLease lease);
}
