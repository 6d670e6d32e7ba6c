package io.verdict.scheduler.redis;

import io.verdict.scheduler.contracts.LockContract;
import io.verdict.scheduler.queue.LockService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.time.Instant;

class RedisLockServiceContractTest extends LockContract {
    private static RedisConnection redis;
    private String prefix;

    @BeforeAll
    static void connect() {
        redis = RedisTestSupport.connect();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Override
    protected LockService newLocks() {
        prefix = RedisTestSupport.uniquePrefix();
        return new RedisLockService(redis, prefix);
    }

    @Override
    protected void closeLocks(LockService locks) {
        RedisTestSupport.deleteKeys(redis, prefix);
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    protected Instant now() {
        return Instant.now();
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(600);
    }
}
