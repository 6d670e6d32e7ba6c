package io.verdict.scheduler.redis;

import io.verdict.scheduler.contracts.QueueContract;
import io.verdict.scheduler.queue.SegmentQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.time.Instant;

/** The queue contract against a real Redis: leases and windows are judged by Redis TIME, so time passes for real. */
class RedisSegmentQueueContractTest extends QueueContract {
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
    protected SegmentQueue newQueue() {
        prefix = RedisTestSupport.uniquePrefix();
        return new RedisSegmentQueue(redis, prefix);
    }

    @Override
    protected void closeQueue(SegmentQueue queue) {
        RedisTestSupport.deleteKeys(redis, prefix);
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    protected Instant now() {
        return Instant.now(); // Redis runs on this machine, so its TIME and the JVM clock agree
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(600);
    }
}
