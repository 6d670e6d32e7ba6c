package io.verdict.scheduler.nats;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code nats://host[:port]} (or {@code tls://}) address list. {@code toString} masks credentials, so a
 * URL with {@code user:password@} or a token can be logged.
 */
public record NatsEndpoint(List<String> servers) {
    public static NatsEndpoint parse(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("NATS URL is empty");
        List<String> servers = new ArrayList<>();
        for (String one : url.split(",")) {
            String s = one.trim();
            URI u;
            try {
                u = URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a NATS URL: " + mask(s));
            }
            String scheme = u.getScheme();
            if (scheme == null || !(scheme.equals("nats") || scheme.equals("tls"))) {
                throw new IllegalArgumentException("NATS URL must start with nats:// or tls:// (got '" + mask(s) + "')");
            }
            if (u.getHost() == null || u.getHost().isBlank()) {
                throw new IllegalArgumentException("NATS URL has no host: " + mask(s));
            }
            if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) {
                throw new IllegalArgumentException("NATS URL takes no path: " + mask(s));
            }
            servers.add(s);
        }
        return new NatsEndpoint(List.copyOf(servers));
    }

    /** Replaces the user-info part (user:password or token) with {@code ***}. */
    public static String mask(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }

    @Override
    public String toString() {
        return String.join(",", servers.stream().map(NatsEndpoint::mask).toList());
    }
}
