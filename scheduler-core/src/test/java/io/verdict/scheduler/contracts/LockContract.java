package io.verdict.scheduler.contracts;

import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link LockService} adapter must do: one holder per name, expiry by the service's clock, a fencing
 * token that grows with every acquisition of a name, release only by the current holder.
 */
public abstract class LockContract {
    private static final Duration LONG = Duration.ofMinutes(5);

    protected LockService locks;

    /** A fresh lock service with no lock held; called before every test. */
    protected abstract LockService newLocks();

    /** Moves the service's time forward by {@code d}: advance a mutable clock, or sleep for real. */
    protected abstract void advance(Duration d) throws InterruptedException;

    /** The current time as the service judges it. */
    protected abstract Instant now();

    /** The shortest lock time this adapter can observe reliably. */
    protected Duration tick() {
        return Duration.ofSeconds(1);
    }

    protected void closeLocks(LockService locks) throws Exception {}

    @BeforeEach
    void openLocks() {
        locks = newLocks();
    }

    @AfterEach
    void releaseLocks() throws Exception {
        closeLocks(locks);
    }

    private LockLease acquire(String name, String owner, Duration ttl) {
        return locks.tryAcquire(name, owner, ttl).orElseThrow(() -> new AssertionError(owner + " expected " + name));
    }

    @Test
    void aLockHasOneHolderAtATime() {
        LockLease a = acquire("planner:t1", "node-a", LONG);
        assertThat(a.name()).isEqualTo("planner:t1");
        assertThat(a.owner()).isEqualTo("node-a");
        assertThat(a.expiresAt()).isAfter(now());

        assertThat(locks.tryAcquire("planner:t1", "node-b", LONG)).isEmpty();
        assertThat(locks.tryAcquire("planner:t1", "node-a", LONG)).as("not re-entrant either").isEmpty();
        assertThat(locks.tryAcquire("planner:t2", "node-b", LONG)).as("another name is independent").isPresent();
    }

    @Test
    void releasedLockCanBeTakenAgainWithAHigherToken() {
        LockLease first = acquire("tick:nightly", "node-a", LONG);
        assertThat(locks.release(first)).isTrue();
        assertThat(locks.release(first)).as("released twice").isFalse();

        LockLease second = acquire("tick:nightly", "node-b", LONG);
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(locks.release(second)).isTrue();
        LockLease third = acquire("tick:nightly", "node-a", LONG);
        assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
    }

    @Test
    void expiredLockGoesToTheNextOwnerAndTheOldHolderCannotReleaseIt() throws InterruptedException {
        LockLease old = acquire("planner:t1", "node-a", tick());
        advance(tick().plus(tick().dividedBy(2)));

        LockLease taken = acquire("planner:t1", "node-b", LONG);
        assertThat(taken.fencingToken()).isGreaterThan(old.fencingToken());
        assertThat(locks.release(old)).isFalse();
        assertThat(locks.tryAcquire("planner:t1", "node-c", LONG)).as("still held by node-b").isEmpty();
        assertThat(locks.release(taken)).isTrue();
    }

    @Test
    void onlyTheHolderReleases() {
        LockLease held = acquire("planner:t1", "node-a", LONG);
        LockLease forged = new LockLease("planner:t1", "node-b", held.fencingToken() + 1, held.expiresAt());
        assertThat(locks.release(forged)).isFalse();
        assertThat(locks.release(new LockLease("never-taken", "node-b", 1, held.expiresAt()))).isFalse();
        assertThat(locks.tryAcquire("planner:t1", "node-b", LONG)).isEmpty();
        assertThat(locks.release(held)).isTrue();
    }
}
