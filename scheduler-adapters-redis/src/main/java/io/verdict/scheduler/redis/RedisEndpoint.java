package io.verdict.scheduler.redis;

import io.lettuce.core.RedisURI;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where Redis is: parsed from {@code redis://[user:password@]host[:port][/db]} ({@code rediss://} for TLS).
 * Parsed here rather than by the driver so a typo in configuration fails at start-up with a message that names
 * the faulty part, and so the password never shows up in logs ({@link #toString()} masks it).
 */
public record RedisEndpoint(String host, int port, int database, String username, String password, boolean tls,
                            Duration commandTimeout) {
    public static final int DEFAULT_PORT = 6379;
    // Short: a request waiting on an unreachable Redis should fail fast (503) rather than hang; scripts take ms.
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public RedisEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) throw new IllegalArgumentException("Redis host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("Redis port out of range: " + port);
        if (database < 0) throw new IllegalArgumentException("Redis database must be >= 0: " + database);
        Objects.requireNonNull(commandTimeout, "commandTimeout");
    }

    public static RedisEndpoint of(String host, int port, int database) {
        return new RedisEndpoint(host, port, database, null, null, false, DEFAULT_TIMEOUT);
    }

    /** Parses {@code redis://host:port/db}; every part but the host is optional. */
    public static RedisEndpoint parse(String uri) {
        if (uri == null || uri.isBlank()) throw new IllegalArgumentException("Redis URI is empty");
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Redis URI is not a URI (" + e.getReason() + "): " + redact(uri), e);
        }
        String scheme = u.getScheme();
        if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("Redis URI must start with redis:// or rediss://: " + redact(uri));
        }
        if (u.getHost() == null) throw new IllegalArgumentException("Redis URI has no host: " + redact(uri));
        if (u.getQuery() != null || u.getFragment() != null) {
            throw new IllegalArgumentException("Redis URI takes no query or fragment: " + redact(uri));
        }
        int port = u.getPort() == -1 ? DEFAULT_PORT : u.getPort();
        int db = 0;
        String path = u.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String digits = path.substring(1);
            if (!digits.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("Redis URI path must be a database number like /0: " + redact(uri));
            }
            db = Integer.parseInt(digits);
        }
        String user = null;
        String password = null;
        if (u.getUserInfo() != null) {
            String info = u.getUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = info; // redis://secret@host is the common "password only" form
            } else {
                user = info.substring(0, colon).isEmpty() ? null : info.substring(0, colon);
                password = info.substring(colon + 1);
            }
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        return new RedisEndpoint(host, port, db, user, password, "rediss".equalsIgnoreCase(scheme), DEFAULT_TIMEOUT);
    }

    public RedisEndpoint withCommandTimeout(Duration timeout) {
        return new RedisEndpoint(host, port, database, username, password, tls, timeout);
    }

    RedisURI toLettuce() {
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port).withDatabase(database)
                .withSsl(tls).withTimeout(commandTimeout);
        if (password != null) {
            if (username != null) b.withAuthentication(username, password.toCharArray());
            else b.withPassword(password.toCharArray());
        }
        return b.build();
    }

    private static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    @Override
    public String toString() {
        String auth = password == null ? "" : (username == null ? "" : username) + ":***@";
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss://" : "redis://") + auth + h + ":" + port + "/" + database;
    }
}
