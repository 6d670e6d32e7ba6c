package io.verdict.scheduler.app.config;

import io.verdict.scheduler.SchedulerRole;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The deployable's configuration, from (lowest to highest precedence) defaults, a properties file
 * ({@code SCHEDULER_CONFIG} or {@code --config}), environment variables and command-line overrides. Keys are the
 * environment variable names everywhere, so there is one name per setting to document. Validated as a whole:
 * every problem is reported at once, by key.
 *
 * @param mongoUri    external MongoDB; null unless {@link #store()} is {@link Store#MONGO}
 * @param postgresUrl external PostgreSQL ({@code jdbc:postgresql://…}); null unless {@link #store()} is {@link Store#POSTGRES}
 * @param redisUri  Redis for queue, locks and live events; null = queue and locks in the store (or NATS, see
 *                  {@link #natsUrl()})
 * @param seed      run-ID nonce seed; null = random per process
 */
public record AppConfig(
        String mongoUri,
        String mongoDatabase,
        String postgresUrl,
        String redisUri,
        String redisPrefix,
        SchedulerRole role,
        int workers,
        Duration leaseTime,
        int segmentSize,
        Path dataDir,
        int httpPort,
        Long seed,
        String instanceId,
        String scannerUrl,
        Duration simulatedLatency,
        double simulatedUnavailableRate,
        double simulatedTimeoutRate,
        Duration maxIndexAge,
        Map<String, String> settings) {

    public AppConfig {
        settings = Map.copyOf(settings);
    }

    /** A setting by key after file, environment and overrides were merged (for keys other layers read). */
    public String setting(String key) {
        return settings.get(key);
    }

    /** Where state lives: exactly one of them. */
    public enum Store {
        /** SQLite file {@code scheduler.db} in the data directory (the default). */
        EMBEDDED,
        /** {@code SCHEDULER_POSTGRES_URL}. */
        POSTGRES,
        /** {@code SCHEDULER_MONGO_URI}. */
        MONGO
    }

    public static final String EMBEDDED_FILE = "scheduler.db";

    public static final Set<String> KEYS = Set.of("SCHEDULER_MONGO_URI", "SCHEDULER_MONGO_DATABASE",
            "SCHEDULER_POSTGRES_URL", "SCHEDULER_POSTGRES_USER", "SCHEDULER_POSTGRES_PASSWORD",
            "SCHEDULER_POSTGRES_POOL_SIZE",
            "SCHEDULER_REDIS_URI", "SCHEDULER_REDIS_PREFIX", "SCHEDULER_ROLE", "SCHEDULER_WORKERS",
            "SCHEDULER_LEASE_SECONDS", "SCHEDULER_SEGMENT_SIZE", "SCHEDULER_DATA_DIR", "SCHEDULER_HTTP_PORT",
            "SCHEDULER_SEED", "SCHEDULER_INSTANCE_ID", "SCHEDULER_SCANNER_URL", "SCHEDULER_SIM_LATENCY_MS",
            "SCHEDULER_SIM_UNAVAILABLE_RATE", "SCHEDULER_SIM_TIMEOUT_RATE", "SCHEDULER_MAX_INDEX_AGE_MINUTES",
            "SCHEDULER_CONFIG", "SCHEDULER_NATS_URL", "SCHEDULER_NATS_NAMESPACE",
            // Read by the HTTP layer (serve); listed so a config file may carry them too.
            "SCHEDULER_JWKS_FILE", "SCHEDULER_JWKS_URL", "SCHEDULER_JWT_ISSUER", "SCHEDULER_JWT_AUDIENCE",
            "SCHEDULER_RUNS_DASHBOARD_ENABLED", "SCHEDULER_RUNS_SSE_ENABLED", "SCHEDULER_RUNS_RETRY_ENABLED",
            "SCHEDULER_RUNS_EVIDENCE_BUNDLES", "SCHEDULER_SSE_HEARTBEAT_SECONDS", "SCHEDULER_INTAKE_HMAC_SECRETS",
            "SCHEDULER_HTTP_HOST", "SCHEDULER_METRICS_TOKEN", "SCHEDULER_CORS_ORIGINS",
            // Events out (outbox dispatcher); the webhook keys are checked by WebhookConfig.isKey.
            "SCHEDULER_EVENTS_MAX_ATTEMPTS", "SCHEDULER_EVENTS_RETRY_INITIAL_MS", "SCHEDULER_EVENTS_RETRY_MAX_SECONDS");

    /** A setting this build knows: a fixed key or a webhook key. */
    public static boolean known(String key) {
        return KEYS.contains(key) || WebhookConfig.isKey(key);
    }

    /** Thrown with every problem found, one per line. */
    public static final class InvalidConfigException extends RuntimeException {
        private final List<String> problems;

        public InvalidConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** NATS JetStream for queue, locks and live events (exclusive with Redis); null = not used. */
    public String natsUrl() {
        return settings.get("SCHEDULER_NATS_URL");
    }

    /** Names the streams and buckets of this deployment on the NATS server (default {@code verdict}). */
    public String natsNamespace() {
        return settings.getOrDefault("SCHEDULER_NATS_NAMESPACE", "verdict");
    }

    public boolean embeddedStore() {
        return store() == Store.EMBEDDED;
    }

    public Store store() {
        if (mongoUri != null) return Store.MONGO;
        if (postgresUrl != null) return Store.POSTGRES;
        return Store.EMBEDDED;
    }

    /** The embedded store's file. */
    public Path embeddedFile() {
        return dataDir.resolve(EMBEDDED_FILE);
    }

    /** Loads from the process environment plus {@code overrides} (e.g. from command-line flags). */
    public static AppConfig load(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>();
        String file = overrides.getOrDefault("SCHEDULER_CONFIG", env.get("SCHEDULER_CONFIG"));
        List<String> problems = new ArrayList<>();
        if (file != null && !file.isBlank()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
                for (String k : p.stringPropertyNames()) {
                    if (!known(k)) problems.add(file + ": unknown key " + k);
                    merged.put(k, p.getProperty(k).trim());
                }
            } catch (IOException e) {
                problems.add("SCHEDULER_CONFIG: cannot read " + file + " (" + e.getMessage() + ")");
            }
        }
        env.forEach((k, v) -> {
            if (known(k) && v != null && !v.isBlank()) merged.put(k, v.trim());
        });
        merged.putAll(overrides);
        return parse(merged, problems);
    }

    private static AppConfig parse(Map<String, String> m, List<String> problems) {
        String mongo = m.get("SCHEDULER_MONGO_URI");
        if (mongo != null && !(mongo.startsWith("mongodb://") || mongo.startsWith("mongodb+srv://"))) {
            problems.add("SCHEDULER_MONGO_URI must start with mongodb:// or mongodb+srv:// (got '" + redact(mongo) + "')");
        }
        String postgres = m.get("SCHEDULER_POSTGRES_URL");
        if (postgres != null && !postgres.startsWith("jdbc:postgresql://")) {
            problems.add("SCHEDULER_POSTGRES_URL must start with jdbc:postgresql:// (got '" + redact(postgres) + "')");
        }
        if (mongo != null && postgres != null) {
            problems.add("SCHEDULER_MONGO_URI and SCHEDULER_POSTGRES_URL are mutually exclusive: choose one store "
                    + "(neither = the embedded SQLite store in SCHEDULER_DATA_DIR)");
        }
        if (postgres == null) {
            for (String k : List.of("SCHEDULER_POSTGRES_USER", "SCHEDULER_POSTGRES_PASSWORD", "SCHEDULER_POSTGRES_POOL_SIZE")) {
                if (m.containsKey(k)) problems.add(k + " is set but SCHEDULER_POSTGRES_URL is not");
            }
        }
        if (mongo == null && m.containsKey("SCHEDULER_MONGO_DATABASE")) {
            problems.add("SCHEDULER_MONGO_DATABASE is set but SCHEDULER_MONGO_URI is not");
        }
        integer(m, "SCHEDULER_POSTGRES_POOL_SIZE", 16, 1, 1000, problems);
        String redis = m.get("SCHEDULER_REDIS_URI");
        if (redis != null && !(redis.startsWith("redis://") || redis.startsWith("rediss://"))) {
            problems.add("SCHEDULER_REDIS_URI must start with redis:// or rediss:// (got '" + redact(redis) + "')");
        }
        NatsSettingsCheck.check(m, redis != null, problems);
        SchedulerRole role = null;
        String roleText = m.getOrDefault("SCHEDULER_ROLE", "all");
        try {
            role = SchedulerRole.valueOf(roleText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("SCHEDULER_ROLE must be one of api, worker, all (got '" + roleText + "')");
        }
        if (role != null && role != SchedulerRole.ALL && mongo == null && postgres == null) {
            problems.add("SCHEDULER_ROLE=" + roleText + " needs SCHEDULER_MONGO_URI or SCHEDULER_POSTGRES_URL: "
                    + "separate api and worker processes must share a store");
        }
        int workers = integer(m, "SCHEDULER_WORKERS", 4, 0, 1024, problems);
        int lease = integer(m, "SCHEDULER_LEASE_SECONDS", 30, 1, 3600, problems);
        int segmentSize = integer(m, "SCHEDULER_SEGMENT_SIZE", 100, 1, 100_000, problems);
        int port = integer(m, "SCHEDULER_HTTP_PORT", 8080, 0, 65535, problems);
        int latency = integer(m, "SCHEDULER_SIM_LATENCY_MS", 5, 0, 60_000, problems);
        int maxAge = integer(m, "SCHEDULER_MAX_INDEX_AGE_MINUTES", 0, 0, 525_600, problems);
        double unavailable = decimal(m, "SCHEDULER_SIM_UNAVAILABLE_RATE", 0.0, problems);
        double timeout = decimal(m, "SCHEDULER_SIM_TIMEOUT_RATE", 0.0, problems);
        Long seed = null;
        if (m.containsKey("SCHEDULER_SEED")) {
            try {
                seed = Long.parseLong(m.get("SCHEDULER_SEED"));
            } catch (NumberFormatException e) {
                problems.add("SCHEDULER_SEED must be a whole number (got '" + m.get("SCHEDULER_SEED") + "')");
            }
        }
        String scanner = m.get("SCHEDULER_SCANNER_URL");
        if (scanner != null && !(scanner.startsWith("http://") || scanner.startsWith("https://"))) {
            problems.add("SCHEDULER_SCANNER_URL must be an http(s) URL (got '" + scanner + "')");
        }
        WebhookConfig.parse(m, problems);
        integer(m, "SCHEDULER_EVENTS_MAX_ATTEMPTS", 10, 1, 1000, problems);
        integer(m, "SCHEDULER_EVENTS_RETRY_INITIAL_MS", 1000, 1, 3_600_000, problems);
        integer(m, "SCHEDULER_EVENTS_RETRY_MAX_SECONDS", 300, 1, 86_400, problems);
        if (!problems.isEmpty()) throw new InvalidConfigException(problems);
        String instance = m.getOrDefault("SCHEDULER_INSTANCE_ID",
                hostName() + "-" + ProcessHandle.current().pid());
        return new AppConfig(mongo, m.getOrDefault("SCHEDULER_MONGO_DATABASE", "scheduler"), postgres, redis,
                m.getOrDefault("SCHEDULER_REDIS_PREFIX", ""), role, workers, Duration.ofSeconds(lease), segmentSize,
                Path.of(m.getOrDefault("SCHEDULER_DATA_DIR", "data")), port, seed, instance, scanner,
                Duration.ofMillis(latency), unavailable, timeout, maxAge == 0 ? null : Duration.ofMinutes(maxAge), m);
    }

    private static int integer(Map<String, String> m, String key, int dflt, int min, int max, List<String> problems) {
        String v = m.get(key);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                problems.add(key + " must be between " + min + " and " + max + " (got " + v + ")");
                return dflt;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(key + " must be a whole number (got '" + v + "')");
            return dflt;
        }
    }

    private static double decimal(Map<String, String> m, String key, double dflt, List<String> problems) {
        String v = m.get(key);
        if (v == null) return dflt;
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0 && d <= 1)) {
                problems.add(key + " must be between 0 and 1 (got " + v + ")");
                return dflt;
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(key + " must be a number between 0 and 1 (got '" + v + "')");
            return dflt;
        }
    }

    /** URIs may carry passwords; never echo them. */
    static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Webhook receivers of outbound events (validated at load). */
    public List<WebhookConfig> webhooks() {
        return WebhookConfig.parse(settings, new ArrayList<>());
    }

    /** How the outbox dispatcher retries: attempts before dead-lettering, first pause, longest pause. */
    public io.verdict.scheduler.events.outbox.OutboxDispatcher.Settings eventDelivery() {
        int attempts = Integer.parseInt(settings.getOrDefault("SCHEDULER_EVENTS_MAX_ATTEMPTS", "10"));
        Duration first = Duration.ofMillis(Integer.parseInt(settings.getOrDefault("SCHEDULER_EVENTS_RETRY_INITIAL_MS", "1000")));
        Duration max = Duration.ofSeconds(Integer.parseInt(settings.getOrDefault("SCHEDULER_EVENTS_RETRY_MAX_SECONDS", "300")));
        var d = io.verdict.scheduler.events.outbox.OutboxDispatcher.Settings.DEFAULT;
        return new io.verdict.scheduler.events.outbox.OutboxDispatcher.Settings(attempts, first,
                max.compareTo(first) < 0 ? first : max, d.lease(), d.pollInterval(), d.batchSize());
    }

    /** Pool size of the PostgreSQL store (default 16). */
    public int postgresPoolSize() {
        String v = settings.get("SCHEDULER_POSTGRES_POOL_SIZE");
        return v == null ? 16 : Integer.parseInt(v);
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "node" : h;
    }

    /** Never the raw settings: they may hold passwords and signing secrets. */
    @Override
    public String toString() {
        return "AppConfig[" + describe() + "]";
    }

    /** One line for the start-up log, secrets redacted. */
    public String describe() {
        return "role=" + role.name().toLowerCase(Locale.ROOT)
                + " store=" + switch (store()) {
                    case EMBEDDED -> "embedded(sqlite:" + embeddedFile().toAbsolutePath() + ")";
                    case POSTGRES -> "postgresql(" + redact(postgresUrl) + ")";
                    case MONGO -> "mongodb(" + redact(mongoUri) + ")";
                }
                + " queue=" + (redisUri != null ? redact(redisUri) : natsUrl() != null ? redact(natsUrl()) : "store")
                + " workers=" + workers + " lease=" + leaseTime.toSeconds() + "s segmentSize=" + segmentSize
                + " scanner=" + (scannerUrl == null ? "simulated" : scannerUrl) + " instance=" + instanceId
                + " webhooks=" + webhooks().stream().map(WebhookConfig::name).toList();
    }
}
