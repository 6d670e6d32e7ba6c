package io.verdict.scheduler.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
    private final RedisGuard guard;
    /** Budget for establishing a connection (not for commands: see {@link RedisEndpoint#DEFAULT_TIMEOUT}). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private final ClientResources resources;

    private RedisConnection(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
        this.guard = new RedisGuard(endpoint.toString());
        // Reconnect attempts at most a second apart (lettuce's default backs off to 30 s), so work resumes
        // promptly when Redis returns.
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        // Connecting (TCP + handshake) may take a while on a busy host or at start-up; commands must not: the URI's
        // timeout is generous for the handshake and the shared connection's command timeout is set short below.
        io.lettuce.core.RedisURI uri = endpoint.toLettuce();
        if (uri.getTimeout().compareTo(CONNECT_TIMEOUT) < 0) uri.setTimeout(CONNECT_TIMEOUT);
        this.client = RedisClient.create(resources, uri);
        // While disconnected, commands fail at once instead of queueing until the reconnect (or the timeout);
        // the client keeps reconnecting in the background, so work resumes when Redis returns.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(endpoint.commandTimeout()))
                .build());
        try {
            this.shared = client.connect();
            shared.setTimeout(endpoint.commandTimeout());
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
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

    /** The circuit breaker every adapter call goes through. */
    public RedisGuard guard() {
        return guard;
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
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
