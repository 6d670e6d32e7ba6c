package io.verdict.scheduler.nats;

import java.util.UUID;

/**
 * Tests run against the NATS JetStream server at 127.0.0.1:4222 (CI starts one; override with {@code -Dnats.url=...}).
 * Each test works in its own namespace (its own streams and buckets) and deletes them afterwards.
 */
final class NatsTestSupport {
    static final String URL = System.getProperty("nats.url", "nats://127.0.0.1:4222");

    private NatsTestSupport() {}

    static NatsConnection connect() {
        return NatsConnection.connect(URL);
    }

    static String uniqueNamespace() {
        return "test-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
