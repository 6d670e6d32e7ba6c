package io.verdict.scheduler.app.config;

import io.verdict.scheduler.events.outbox.EventFilter;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Webhook receivers from the configuration. One receiver under {@code SCHEDULER_WEBHOOK_URL} (+ {@code _SECRET},
 * {@code _KINDS}, {@code _TENANTS}, {@code _MIN_SEVERITY}, {@code _KEV_ONLY}), and/or several named in
 * {@code SCHEDULER_WEBHOOKS=ops,soc}, each with the same keys carrying its name: {@code SCHEDULER_WEBHOOK_OPS_URL},
 * {@code SCHEDULER_WEBHOOK_OPS_SECRET}, ... Every receiver must have an http(s) URL and a secret of at least 16
 * characters (deliveries are always signed). Problems are reported by key; neither secrets nor URLs (which may carry
 * credentials) are ever echoed.
 *
 * @param name the receiver's name ({@code default} for the unnamed one), used in logs
 */
public record WebhookConfig(String name, URI url, String secret, EventFilter filter) {
    public static final String LIST_KEY = "SCHEDULER_WEBHOOKS";
    static final List<String> SUFFIXES = List.of("URL", "SECRET", "KINDS", "TENANTS", "MIN_SEVERITY", "KEV_ONLY");
    private static final Pattern NAMED_KEY = Pattern.compile("SCHEDULER_WEBHOOK_([A-Z0-9]+)_(" + String.join("|", SUFFIXES) + ")");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,32}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Never the secret. */
    @Override
    public String toString() {
        return "WebhookConfig[name=" + name + ", host=" + url.getHost() + ", filter=" + filter + "]";
    }

    /** Whether {@code key} is a webhook setting (fixed or named). */
    static boolean isKey(String key) {
        if (key.equals(LIST_KEY)) return true;
        for (String s : SUFFIXES) if (key.equals("SCHEDULER_WEBHOOK_" + s)) return true;
        return NAMED_KEY.matcher(key).matches();
    }

    /** Every configured receiver, problems added by key. */
    static List<WebhookConfig> parse(Map<String, String> m, List<String> problems) {
        List<WebhookConfig> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        if (m.containsKey(LIST_KEY)) {
            for (String raw : m.get(LIST_KEY).split(",")) {
                String n = raw.trim().toLowerCase(Locale.ROOT);
                if (n.isEmpty()) continue;
                if (!NAME.matcher(n).matches() || n.equals("default")) {
                    problems.add(LIST_KEY + ": '" + raw.trim() + "' must be 1-32 letters or digits (and not 'default')");
                } else if (!names.add(n)) {
                    problems.add(LIST_KEY + ": '" + n + "' is listed twice");
                }
            }
        }
        // Named keys whose name is not listed would be silently ignored: say so.
        for (String k : m.keySet()) {
            var match = NAMED_KEY.matcher(k);
            if (match.matches() && !names.contains(match.group(1).toLowerCase(Locale.ROOT))) {
                problems.add(k + " is set but '" + match.group(1).toLowerCase(Locale.ROOT) + "' is not listed in " + LIST_KEY);
            }
        }
        if (m.containsKey("SCHEDULER_WEBHOOK_URL")) {
            one(m, "default", "SCHEDULER_WEBHOOK_", problems, out);
        } else {
            for (String s : SUFFIXES) {
                if (!s.equals("URL") && m.containsKey("SCHEDULER_WEBHOOK_" + s)) {
                    problems.add("SCHEDULER_WEBHOOK_" + s + " is set but SCHEDULER_WEBHOOK_URL is not");
                }
            }
        }
        for (String n : names) one(m, n, "SCHEDULER_WEBHOOK_" + n.toUpperCase(Locale.ROOT) + "_", problems, out);
        return out;
    }

    private static void one(Map<String, String> m, String name, String prefix, List<String> problems, List<WebhookConfig> out) {
        int before = problems.size();
        String urlText = m.get(prefix + "URL");
        URI url = null;
        if (urlText == null) {
            problems.add(prefix + "URL is required for webhook '" + name + "'");
        } else {
            try {
                url = URI.create(urlText);
                if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    problems.add(prefix + "URL must be an absolute http(s) URL");
                    url = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add(prefix + "URL is not a valid URL");
            }
        }
        String secret = m.get(prefix + "SECRET");
        if (secret == null || secret.length() < 16) {
            problems.add(prefix + "SECRET is required (at least 16 characters): receivers verify every delivery's signature");
        }
        Set<String> kinds = list(m.get(prefix + "KINDS"));
        for (String k : kinds) {
            if (!EventFilter.KINDS.contains(k)) {
                problems.add(prefix + "KINDS: unknown kind '" + k + "' (one of " + EventFilter.KINDS.stream().sorted().toList() + ")");
            }
        }
        Set<String> tenants = list(m.get(prefix + "TENANTS"));
        for (String t : tenants) if (!TENANT.matcher(t).matches()) problems.add(prefix + "TENANTS: '" + t + "' is not a tenant ID");
        String severity = m.get(prefix + "MIN_SEVERITY");
        if (severity != null && !EventFilter.SEVERITIES.contains(severity.toLowerCase(Locale.ROOT))) {
            problems.add(prefix + "MIN_SEVERITY must be one of " + EventFilter.SEVERITIES + " (got '" + severity + "')");
        }
        String kev = m.getOrDefault(prefix + "KEV_ONLY", "false");
        if (!kev.equalsIgnoreCase("true") && !kev.equalsIgnoreCase("false")) {
            problems.add(prefix + "KEV_ONLY must be true or false (got '" + kev + "')");
        }
        if (problems.size() > before) return;
        out.add(new WebhookConfig(name, url, secret, new EventFilter(kinds, tenants, severity, Boolean.parseBoolean(kev.toLowerCase(Locale.ROOT)))));
    }

    private static Set<String> list(String v) {
        if (v == null) return Set.of();
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }
}
