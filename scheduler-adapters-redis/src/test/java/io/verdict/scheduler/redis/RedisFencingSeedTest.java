package io.verdict.scheduler.redis;

import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.SegmentRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When Redis comes back empty (FLUSHALL, failover to an empty replica), the token counter is seeded from the
 * highest token the store holds, so a new lease never carries a token a stored segment already exceeds.
 */
class RedisFencingSeedTest {
    private final RedisConnection redis = RedisTestSupport.connect();
    private final String prefix = RedisTestSupport.uniquePrefix();

    @AfterEach
    void cleanUp() {
        RedisTestSupport.deleteKeys(redis, prefix);
        redis.close();
    }

    @Test
    void tokensNeverGoBackwardsWhenRedisLosesItsData() {
        AtomicLong storedMax = new AtomicLong(500); // what the segment store already holds
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, RedisQueueSettings.runner(prefix), storedMax::get);
        queue.enqueue(new SegmentRef("acme", "run-1", 0, null), Instant.EPOCH);
        Lease first = queue.claim("w1", Duration.ofSeconds(30)).orElseThrow();
        assertThat(first.fencingToken()).as("seeded at start from the store").isGreaterThan(500);
        storedMax.set(first.fencingToken() + 40); // later leases were written to the store

        RedisTestSupport.deleteKeys(redis, prefix); // Redis lost everything under this prefix

        queue.enqueue(new SegmentRef("acme", "run-1", 1, null), Instant.EPOCH);
        Lease second = queue.claim("w1", Duration.ofSeconds(30)).orElseThrow();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken() + 40);
        assertThat(queue.ack(second)).isTrue();
    }

    @Test
    void aHigherCounterIsNeverLowered() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, RedisQueueSettings.runner(prefix), () -> 10L);
        redis.commands().set(prefix + "scheduler:runner:fencing", "900");
        assertThat(queue.seedFencing()).isEqualTo(900);
        queue.enqueue(new SegmentRef("acme", "run-1", 0, null), Instant.EPOCH);
        assertThat(queue.claim("w", Duration.ofSeconds(5)).orElseThrow().fencingToken()).isEqualTo(901);
    }

    @Test
    void lockTokensNeverGoBackwardsWhenRedisLosesItsData() {
        AtomicLong storedMax = new AtomicLong(700);
        RedisLockService locks = new RedisLockService(redis, prefix, storedMax::get);
        LockLease first = locks.tryAcquire("planner:acme", "node-a", Duration.ofSeconds(30)).orElseThrow();
        assertThat(first.fencingToken()).as("seeded at start").isGreaterThan(700);

        RedisTestSupport.deleteKeys(redis, prefix); // Redis lost everything under this prefix
        LockLease second = locks.tryAcquire("planner:acme", "node-a", Duration.ofSeconds(30)).orElseThrow();
        assertThat(second.fencingToken()).as("above what this node issued").isGreaterThan(first.fencingToken());

        storedMax.set(second.fencingToken() + 50); // another node's tokens, known to the floor
        RedisTestSupport.deleteKeys(redis, prefix);
        LockLease third = locks.tryAcquire("planner:acme", "node-a", Duration.ofSeconds(30)).orElseThrow();
        assertThat(third.fencingToken()).isGreaterThan(second.fencingToken() + 50);
        assertThat(locks.release(third)).isTrue();

        redis.commands().set(prefix + "scheduler:lock:fencing", "5000");
        assertThat(locks.seedFencing()).as("a higher counter is never lowered").isEqualTo(5000);
    }
}
