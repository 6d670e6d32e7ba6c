package io.verdict.scheduler.nats;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The current values of the keys matching a pattern, read as one stream pass (a watcher that stops at the end of
 * the initial data) instead of one request per key.
 */
final class KvSnapshot {
    private static final long TIMEOUT_SECONDS = 30;

    private KvSnapshot() {}

    static List<KeyValueEntry> of(KeyValue bucket, String pattern) {
        List<KeyValueEntry> out = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                synchronized (out) {
                    out.add(entry);
                }
            }

            @Override
            public void endOfData() {
                done.countDown();
            }
        };
        try (NatsKeyValueWatchSubscription sub = bucket.watch(pattern, watcher, KeyValueWatchOption.IGNORE_DELETE)) {
            if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("reading " + bucket.getBucketName() + " took over " + TIMEOUT_SECONDS + "s");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw NatsFailures.unchecked("read " + bucket.getBucketName(), e);
        }
        synchronized (out) {
            return List.copyOf(out);
        }
    }
}
