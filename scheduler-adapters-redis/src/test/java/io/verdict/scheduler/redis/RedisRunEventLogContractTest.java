package io.verdict.scheduler.redis;

import io.verdict.scheduler.contracts.RunEventLogContract;
import io.verdict.scheduler.events.RunEventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Clock;
import java.time.Duration;

class RedisRunEventLogContractTest extends RunEventLogContract {
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
    protected RunEventLog newLog() {
        prefix = RedisTestSupport.uniquePrefix();
        return new RedisRunEventLog(redis, prefix, Clock.systemUTC(), Duration.ofMinutes(10));
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    @AfterEach
    void deleteKeys() {
        RedisTestSupport.deleteKeys(redis, prefix);
    }
}
