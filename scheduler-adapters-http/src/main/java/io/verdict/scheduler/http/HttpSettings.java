package io.verdict.scheduler.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How the control plane listens and behaves.
 *
 * @param host             interface to bind ({@code 0.0.0.0} for all)
 * @param port             TCP port; 0 picks a free one
 * @param maxBodyBytes     larger request bodies get 413
 * @param heartbeat        SSE heartbeat comment interval (fixed, independent of traffic)
 * @param flags            console feature flags
 * @param pageSizeDefault  listing page size when the client names none
 * @param pageSizeMax      largest page a client may ask for
 * @param metricsToken     bearer token {@code /metrics} requires; null = open (it carries tenant IDs in labels)
 * @param corsOrigins      origins ({@code scheme://host[:port]}) allowed to call the API from a page served
 *                         elsewhere; empty (the default) turns CORS off
 *
 * <p>The intake rate limit is the core's ({@code SchedulerBuilder.intakeRate}), not an HTTP setting: one token bucket
 * per tenant whatever adapter delivers the events.
 */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration heartbeat, FeatureFlags flags,
                           int pageSizeDefault, int pageSizeMax, String metricsToken, java.util.List<String> corsOrigins) {
    public static final HttpSettings DEFAULTS = new HttpSettings("0.0.0.0", 8080, 1 << 20, Duration.ofSeconds(15),
            FeatureFlags.DEFAULTS, 50, 500, null, java.util.List.of());

    public HttpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(flags, "flags");
        corsOrigins = corsOrigins == null ? java.util.List.of()
                : corsOrigins.stream().map(io.verdict.scheduler.http.cors.CorsPolicy::normalise).sorted().distinct().toList();
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535");
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be >= 1024");
        if (heartbeat.toMillis() < 10) throw new IllegalArgumentException("heartbeat must be >= 10 ms");
        if (pageSizeDefault < 1 || pageSizeMax < pageSizeDefault) throw new IllegalArgumentException("bad page sizes");
        if (metricsToken != null && metricsToken.isBlank()) metricsToken = null;
        if (metricsToken != null && metricsToken.length() < 16) {
            throw new IllegalArgumentException("the metrics token must be at least 16 characters");
        }
    }

    public HttpSettings withMetricsToken(String token) {
        return new HttpSettings(host, port, maxBodyBytes, heartbeat, flags, pageSizeDefault, pageSizeMax, token, corsOrigins);
    }

    public HttpSettings withPort(int p) {
        return new HttpSettings(host, p, maxBodyBytes, heartbeat, flags, pageSizeDefault, pageSizeMax, metricsToken, corsOrigins);
    }

    public HttpSettings withHost(String h) {
        return new HttpSettings(h, port, maxBodyBytes, heartbeat, flags, pageSizeDefault, pageSizeMax, metricsToken, corsOrigins);
    }

    public HttpSettings withHeartbeat(Duration d) {
        return new HttpSettings(host, port, maxBodyBytes, d, flags, pageSizeDefault, pageSizeMax, metricsToken, corsOrigins);
    }

    public HttpSettings withFlags(FeatureFlags f) {
        return new HttpSettings(host, port, maxBodyBytes, heartbeat, f, pageSizeDefault, pageSizeMax, metricsToken, corsOrigins);
    }

    public HttpSettings withMaxBodyBytes(long n) {
        return new HttpSettings(host, port, n, heartbeat, flags, pageSizeDefault, pageSizeMax, metricsToken, corsOrigins);
    }

    /** Origins allowed to call the API cross-origin ({@code SCHEDULER_CORS_ORIGINS}); empty turns CORS off. */
    public HttpSettings withCorsOrigins(java.util.List<String> origins) {
        return new HttpSettings(host, port, maxBodyBytes, heartbeat, flags, pageSizeDefault, pageSizeMax, metricsToken, origins);
    }
}
