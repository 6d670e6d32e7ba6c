package io.verdict.scheduler.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * One Redis client and its shared, thread-safe connection. Lettuce multiplexes concurrent commands from many
 * threads over one connection (they are pipelined on the wire), so the queue, the locks and the event log of a
 * node share it; only blocking reads ({@code XREAD BLOCK}) get a dedicated connection of their own.
 */
public final class RedisConnection implements AutoCloseable {
    private final RedisEndpoint endpoint;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> shared;

    private RedisConnection(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
        this.client = RedisClient.create(endpoint.toLettuce());
        try {
            this.shared = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            throw new IllegalStateException("cannot connect to Redis at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** Connects to {@code redis://host:port/db}; fails at once when Redis cannot be reached. */
    public static RedisConnection connect(String uri) {
        return new RedisConnection(RedisEndpoint.parse(uri));
    }

    public static RedisConnection connect(RedisEndpoint endpoint) {
        return new RedisConnection(endpoint);
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** Synchronous commands on the shared connection; safe to call from any thread. */
    public RedisCommands<String, String> commands() {
        return shared.sync();
    }

    /** A new connection for a blocking reader; the caller closes it. */
    StatefulRedisConnection<String, String> openDedicated() {
        return client.connect();
    }

    @Override
    public void close() {
        shared.close();
        client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
    }
}
