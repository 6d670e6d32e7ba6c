package io.verdict.scheduler.http.cors;

import io.javalin.http.Context;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cross-origin access for a console served elsewhere. Off unless origins are named ({@code SCHEDULER_CORS_ORIGINS});
 * a named origin may call the API with a bearer token. Credentials (the session cookie) are never allowed
 * cross-origin: the cookie is SameSite=Strict and meant for the page this server serves itself.
 */
public final class CorsPolicy {
    static final String ALLOW_HEADERS = "Authorization, Content-Type, Last-Event-ID, X-Correlation-Id, X-Tenant";
    static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE";
    static final String EXPOSE_HEADERS = "X-Correlation-Id, Retry-After, Location";

    private final Set<String> origins;

    public CorsPolicy(List<String> origins) {
        this.origins = new TreeSet<>(origins);
    }

    /** Parses and checks a comma-separated list of origins ({@code scheme://host[:port]}, no path). */
    public static List<String> parse(String csv) {
        if (csv == null || csv.isBlank()) return List.of();
        TreeSet<String> out = new TreeSet<>();
        for (String raw : csv.split(",")) {
            String o = raw.trim();
            if (o.isEmpty()) continue;
            out.add(normalise(o));
        }
        return List.copyOf(out);
    }

    public static String normalise(String origin) {
        URI u;
        try {
            u = URI.create(origin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CORS origin '" + origin + "' is not a URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null
                || (u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null || u.getUserInfo() != null) {
            throw new IllegalArgumentException("CORS origin '" + origin + "' must be scheme://host[:port] (no path, no '*')");
        }
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }

    public boolean enabled() {
        return !origins.isEmpty();
    }

    /**
     * Adds the CORS headers for an allowed origin. Returns true when the request was a preflight that has been
     * answered (204) and must go no further.
     */
    public boolean apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !enabled()) return false;
        ctx.header("Vary", "Origin");
        String normal;
        try {
            normal = normalise(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!origins.contains(normal)) return false;
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        if (ctx.method().name().equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", ALLOW_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            return true;
        }
        return false;
    }
}
