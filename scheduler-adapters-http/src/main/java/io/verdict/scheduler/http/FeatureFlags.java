package io.verdict.scheduler.http;

import java.util.Map;
import java.util.Set;

/**
 * Console feature switches (SPEC §7). Off means the endpoints answer 404 problem+json naming the flag, so a
 * console can tell "disabled here" from a typo.
 *
 * @param dashboardEnabled {@code runs.dashboard.enabled}: the /console endpoints
 * @param sseEnabled       {@code runs.sse.enabled}: live streams (polling stays available)
 * @param retryEnabled     {@code runs.retry.enabled}: full-run and segment retry
 * @param evidenceBundles  {@code runs.evidenceBundles}: the signed evidence bundle download
 */
public record FeatureFlags(boolean dashboardEnabled, boolean sseEnabled, boolean retryEnabled, boolean evidenceBundles) {
    public static final FeatureFlags DEFAULTS = new FeatureFlags(true, true, true, false);
    public static final Set<String> KEYS = Set.of("runs.dashboard.enabled", "runs.sse.enabled", "runs.retry.enabled",
            "runs.evidenceBundles");

    /** Reads the flags from configuration keys; missing keys keep their default, other values are an error. */
    public static FeatureFlags from(Map<String, String> config) {
        return new FeatureFlags(
                bool(config, "runs.dashboard.enabled", DEFAULTS.dashboardEnabled),
                bool(config, "runs.sse.enabled", DEFAULTS.sseEnabled),
                bool(config, "runs.retry.enabled", DEFAULTS.retryEnabled),
                bool(config, "runs.evidenceBundles", DEFAULTS.evidenceBundles));
    }

    private static boolean bool(Map<String, String> config, String key, boolean dflt) {
        String v = config.get(key);
        if (v == null) return dflt;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false (got '" + v + "')");
        };
    }
}
