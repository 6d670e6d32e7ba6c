package io.verdict.scheduler.app.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of the NATS keys, by key: {@code SCHEDULER_NATS_URL} and {@code SCHEDULER_NATS_NAMESPACE}. */
final class NatsSettingsCheck {
    private static final Pattern SERVER = Pattern.compile("(nats|tls)://([^/@\\s]*@)?[A-Za-z0-9.\\-\\[\\]:]+(:\\d{1,5})?/?");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9-]{1,32}");

    private NatsSettingsCheck() {}

    static void check(Map<String, String> m, boolean redisConfigured, List<String> problems) {
        String url = m.get("SCHEDULER_NATS_URL");
        if (url != null) {
            for (String server : url.split(",", -1)) {
                if (!SERVER.matcher(server.trim()).matches()) {
                    problems.add("SCHEDULER_NATS_URL must be nats://host[:port] or tls://host[:port], comma separated (got '"
                            + AppConfig.redact(url) + "')");
                    break;
                }
            }
            if (redisConfigured) {
                problems.add("SCHEDULER_NATS_URL and SCHEDULER_REDIS_URI are exclusive: choose one queue transport");
            }
        }
        String ns = m.get("SCHEDULER_NATS_NAMESPACE");
        if (ns != null && !NAMESPACE.matcher(ns).matches()) {
            problems.add("SCHEDULER_NATS_NAMESPACE must be 1-32 letters, digits or '-' (got '" + ns + "')");
        }
        if (ns != null && url == null) {
            problems.add("SCHEDULER_NATS_NAMESPACE is set but SCHEDULER_NATS_URL is not");
        }
    }
}
