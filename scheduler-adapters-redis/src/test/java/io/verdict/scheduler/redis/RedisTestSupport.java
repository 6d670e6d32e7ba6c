package io.verdict.scheduler.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tests run against the Redis at 127.0.0.1:6379 (CI starts one; override with {@code -Dredis.uri=...}). Each test
 * works under its own key prefix and deletes its keys afterwards, so tests and parallel builds never interfere.
 */
final class RedisTestSupport {
    static final String URI = System.getProperty("redis.uri", "redis://127.0.0.1:6379/0");

    private RedisTestSupport() {}

    static RedisConnection connect() {
        return RedisConnection.connect(URI);
    }

    static String uniquePrefix() {
        return "test-" + UUID.randomUUID().toString().substring(0, 12) + ":";
    }

    static List<String> keys(RedisConnection redis, String prefix) {
        List<String> out = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.commands().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
            out.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return out;
    }

    static void deleteKeys(RedisConnection redis, String prefix) {
        List<String> keys = keys(redis, prefix);
        if (!keys.isEmpty()) redis.commands().unlink(keys.toArray(String[]::new));
    }
}
