package io.verdict.scheduler.app.serve;

import com.nimbusds.jose.jwk.ECKey;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.app.cli.Args;
import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.app.demo.DemoEstate;
import io.verdict.scheduler.app.demo.DemoMarker;
import io.verdict.scheduler.app.runtime.SchedulerRuntime;
import io.verdict.scheduler.http.ControlPlane;
import io.verdict.scheduler.http.FeatureFlags;
import io.verdict.scheduler.http.HttpSettings;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.security.IntakeSignatures;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.security.LocalSigningKey;
import io.verdict.scheduler.http.security.VerificationKeys;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleSpec;
import io.verdict.scheduler.simulation.SimulatedScanner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve} (the default command): the scheduler ({@link SchedulerRuntime}: embedded or external store, Redis
 * when configured) with its HTTP control plane, workers and cron.
 * {@code --port N} (or SCHEDULER_HTTP_PORT; 0 picks a free port and prints it), {@code --demo} loads the demo's
 * synthetic estate (tenants demo, acme, globex) with baseline verdicts and two schedules.
 *
 * <p>Tokens: with SCHEDULER_JWKS_FILE or SCHEDULER_JWKS_URL (plus SCHEDULER_JWT_ISSUER and SCHEDULER_JWT_AUDIENCE)
 * the service trusts that identity provider; otherwise it creates an ES256 key in the data directory on first
 * start and trusts tokens minted with {@code token}. Feature flags: SCHEDULER_RUNS_DASHBOARD_ENABLED,
 * SCHEDULER_RUNS_SSE_ENABLED, SCHEDULER_RUNS_RETRY_ENABLED, SCHEDULER_RUNS_EVIDENCE_BUNDLES;
 * SCHEDULER_SSE_HEARTBEAT_SECONDS sets the stream heartbeat.
 */
public final class ServeCommand {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("scheduler.serve");
    public static final Set<String> OPTIONS = Set.of("port", "host", "data-dir", "workers", "config", "demo-images", "role");
    public static final Set<String> FLAGS = Set.of("demo");
    public static final String JAR = "java -jar scheduler-app/target/scheduler-app.jar";

    private ServeCommand() {}

    /** A started service; closing it stops HTTP, then workers, cron and the stores. */
    public record Running(SchedulerRuntime runtime, ControlPlane plane, Path dataDir) implements AutoCloseable {
        public Scheduler scheduler() {
            return runtime.scheduler();
        }

        public int port() {
            return plane == null ? -1 : plane.port();
        }

        @Override
        public void close() {
            if (plane != null) plane.close();
            runtime.close();
        }
    }

    public static int run(List<String> argv, PrintStream out, Map<String, String> env) throws InterruptedException {
        Running running = start(argv, out, env);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown requested (SIGTERM/SIGINT): workers stop claiming and finish the segments in hand");
            long t0 = System.nanoTime();
            running.close();
            LOG.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
            stopped.countDown();
        }, "scheduler-shutdown"));
        stopped.await();
        return 0;
    }

    public static Running start(List<String> argv, PrintStream out, Map<String, String> env) {
        Args a = Args.parse("serve", argv, OPTIONS, FLAGS);
        Map<String, String> overrides = new HashMap<>();
        if (a.has("port")) overrides.put("SCHEDULER_HTTP_PORT", a.string("port", null));
        if (a.has("data-dir")) overrides.put("SCHEDULER_DATA_DIR", a.string("data-dir", null));
        if (a.has("workers")) overrides.put("SCHEDULER_WORKERS", a.string("workers", null));
        if (a.has("role")) overrides.put("SCHEDULER_ROLE", a.string("role", null));
        if (a.has("config")) overrides.put("SCHEDULER_CONFIG", a.string("config", null));
        boolean demo = a.flag("demo");
        // The demo's baseline verdicts come from the simulated scanner of seed 42: run it with the same seed.
        if (demo && !env.containsKey("SCHEDULER_SEED")) overrides.put("SCHEDULER_SEED", "42");
        AppConfig cfg;
        try {
            cfg = AppConfig.load(env, overrides);
        } catch (AppConfig.InvalidConfigException e) {
            throw new UsageException(e.getMessage());
        }
        int demoImages = a.intValue("demo-images", 2000, 1, 200_000);
        // File, environment and flags merged: HTTP and security keys may come from a config file too.
        Security security = security(cfg.dataDir(), cfg.settings());
        HttpSettings settings = httpSettings(cfg.settings()).withPort(cfg.httpPort())
                .withHost(host(a.string("host", null), cfg.setting("SCHEDULER_HTTP_HOST"), security.local()));
        IntakeSignatures signatures;
        try {
            signatures = IntakeSignatures.parse(cfg.setting("SCHEDULER_INTAKE_HMAC_SECRETS"), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new UsageException("serve: " + e.getMessage());
        }

        MicrometerSchedulerMetrics metrics = new MicrometerSchedulerMetrics(Clock.systemUTC());
        SchedulerRuntime runtime;
        try {
            // The index loads on a thread of its own, started once the service listens (index-bound requests wait
            // for it; /readyz answers 503 until it is loaded).
            runtime = SchedulerRuntime.start(cfg, metrics, true);
        } catch (RuntimeException e) {
            throw new UsageException("serve: cannot start the scheduler: " + rootMessage(e));
        }
        Scheduler scheduler = runtime.scheduler();
        // Keys and store files created during start (signing keys, evidence key, store files): this user only.
        if (cfg.embeddedStore() || security.local()) io.verdict.scheduler.app.runtime.DataDirectory.restrict(cfg.dataDir());
        String loaded = "";
        ControlPlane plane = null;
        // A restart over the recorded demo estate listens first and checks the estate (against the index, once
        // loaded) after, /readyz saying 503 meanwhile; a first start seeds before it listens, so nobody plans over
        // half an estate.
        boolean listenFirst = demo && cfg.role().plans()
                && new DemoMarker(cfg.dataDir(), 42, cfg.seed() == null ? 42 : cfg.seed(), demoImages).recorded();
        try {
            if (demo && !listenFirst) loaded = loadDemo(runtime, demoImages);
            // Cron was started by the runtime as the role allows (api, all); the per-schedule tick lock makes each
            // fire happen once cluster-wide.
            if (!cfg.role().plans()) {
                out.printf("verdict scheduler worker running (workers %d, role %s); no HTTP in this role%n",
                        cfg.workers(), cfg.role().name().toLowerCase(java.util.Locale.ROOT));
                return new Running(runtime, null, cfg.dataDir());
            }
            plane = ControlPlane.start(scheduler, settings, security.verifier(), metrics, signatures);
            if (listenFirst) plane.startupPhase("demo estate");
            // Listening now: load the index (the JVM's own start no longer competes with it for the CPU).
            scheduler.loadIndexInBackground();
        } catch (RuntimeException e) {
            runtime.close();
            throw new UsageException("serve: cannot listen on port " + settings.port() + ": " + rootMessage(e));
        }
        int port = plane.port();
        String bound = plane.boundHost();
        printListening(out, cfg, port, bound);
        if (listenFirst) {
            try {
                loaded = loadDemo(runtime, demoImages);
                plane.startupPhase(null);
            } catch (RuntimeException e) {
                plane.close();
                runtime.close();
                throw new UsageException("serve: cannot load the demo estate: " + rootMessage(e));
            }
        }
        printNotes(out, cfg, settings, security, plane, port, bound, demo, loaded);
        return new Running(runtime, plane, cfg.dataDir());
    }

    private static void printListening(PrintStream out, AppConfig cfg, int port, String bound) {
        out.printf("verdict scheduler listening on http://%s:%d%s  (workers %d, store %s)%n", urlHost(bound), port,
                bound.equals("0.0.0.0") || bound.equals("::") ? " (all interfaces)" : "", cfg.workers(),
                switch (cfg.store()) {
                    case EMBEDDED -> "embedded SQLite " + cfg.embeddedFile();
                    case POSTGRES -> "PostgreSQL";
                    case MONGO -> "MongoDB";
                });
        out.flush();
    }

    private static void printNotes(PrintStream out, AppConfig cfg, HttpSettings settings, Security security,
                                   ControlPlane plane, int port, String bound, boolean demo, String loaded) {
        if (security.local() && !isLoopback(bound)) {
            out.println("warning: the development signing key is in use and the service listens beyond this machine;"
                    + " anyone who can read " + cfg.dataDir() + " can mint tokens");
        }
        if (settings.metricsToken() == null && !isLoopback(bound)) {
            out.println("note: /metrics is open (its labels carry tenant IDs); set SCHEDULER_METRICS_TOKEN to require a bearer token");
        }
        if (!loaded.isEmpty()) out.println(loaded);
        out.println(security.note());
        if (demo && security.local()) {
            // One click into the console as the demo tenant's operator: a one-time code (15 min) for a development
            // token, never the token itself in the terminal or the browser history.
            String demoToken = io.verdict.scheduler.http.security.TokenMinter.local(security.localKey()).mint("demo-operator",
                    java.util.List.of("demo"), java.util.List.of("scheduler.runs.read", "scheduler.runs.write",
                            "scheduler.runs.manage", "scheduler.schedules.read", "downloads.read", "policy:runs"),
                    Duration.ofHours(8));
            String code = plane.sessions().oneTimeLink(demoToken, Duration.ofMinutes(15));
            out.printf("open the console (one-time sign-in link, valid 15 min): http://localhost:%d/console/session/link?code=%s%n",
                    port, code);
        }
        if (security.local()) {
            String here = (bound.equals("0.0.0.0") || bound.equals("::") ? "localhost" : urlHost(bound)) + ":" + port;
            out.printf("""
                    try it:
                      TOKEN=$(%s token --tenant demo --data-dir %s)
                      curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                           -d '{"selector":{"scope":"all-images"},"reason":"first run"}' http://%s/api/v1/scheduler/runs
                      curl -N -H "Authorization: Bearer $TOKEN" http://%s/console/runs/<id from above>/stream
                    API description: http://%s/openapi.json
                    """, JAR, cfg.dataDir(), here, here, here);
        }
        out.flush();
        LOG.info("listening on {}:{} (role {}, workers {}, store {})", settings.host(), port,
                cfg.role().name().toLowerCase(java.util.Locale.ROOT), cfg.workers(), cfg.embeddedStore() ? "embedded" : "external");
    }

    /** @param localKey the embedded development key (null with an external issuer) */
    record Security(JwtVerifier verifier, boolean local, String note, ECKey localKey) {}

    /**
     * The interface to listen on: {@code --host}, else SCHEDULER_HTTP_HOST, else loopback while the development
     * signing key is in use (its tokens are minted from a file in the data dir, so the service should not be
     * reachable from other machines by default) and all interfaces once an external JWKS is configured.
     */
    static String host(String option, String setting, boolean localKey) {
        if (option != null && !option.isBlank()) return option.trim();
        if (setting != null && !setting.isBlank()) return setting.trim();
        return localKey ? "127.0.0.1" : "0.0.0.0";
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static String urlHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    static Security security(Path dataDir, Map<String, String> env) {
        String file = env.get("SCHEDULER_JWKS_FILE");
        String url = env.get("SCHEDULER_JWKS_URL");
        Duration skew = Duration.ofSeconds(30);
        try {
            if (file != null || url != null) {
                String issuer = env.get("SCHEDULER_JWT_ISSUER");
                String audience = env.get("SCHEDULER_JWT_AUDIENCE");
                if (issuer == null || audience == null) {
                    throw new UsageException("serve: SCHEDULER_JWKS_FILE/URL needs SCHEDULER_JWT_ISSUER and SCHEDULER_JWT_AUDIENCE");
                }
                VerificationKeys keys = file != null ? VerificationKeys.fromFile(Path.of(file)) : VerificationKeys.fromUrl(url);
                return new Security(new JwtVerifier(keys, issuer, audience, skew), false,
                        "tokens: issuer " + issuer + ", audience " + audience + ", keys " + (file != null ? file : url), null);
            }
            boolean existed = LocalSigningKey.exists(dataDir);
            ECKey key = LocalSigningKey.loadOrCreate(dataDir);
            return new Security(new JwtVerifier(LocalSigningKey.verificationKeys(key), LocalSigningKey.ISSUER,
                    LocalSigningKey.AUDIENCE, skew), true,
                    "tokens: local ES256 key " + LocalSigningKey.file(dataDir) + (existed ? "" : " (created now)")
                            + "; mint one with: " + JAR + " token --tenant demo --scope "
                            + "scheduler.runs.read,scheduler.runs.write,scheduler.runs.manage", key);
        } catch (IOException e) {
            throw new UsageException("serve: " + e.getMessage());
        }
    }

    static HttpSettings httpSettings(Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        put(flags, "runs.dashboard.enabled", env.get("SCHEDULER_RUNS_DASHBOARD_ENABLED"));
        put(flags, "runs.sse.enabled", env.get("SCHEDULER_RUNS_SSE_ENABLED"));
        put(flags, "runs.retry.enabled", env.get("SCHEDULER_RUNS_RETRY_ENABLED"));
        put(flags, "runs.evidenceBundles", env.get("SCHEDULER_RUNS_EVIDENCE_BUNDLES"));
        HttpSettings s;
        try {
            s = HttpSettings.DEFAULTS.withFlags(FeatureFlags.from(flags)).withMetricsToken(env.get("SCHEDULER_METRICS_TOKEN"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("serve: " + e.getMessage());
        }
        try {
            s = s.withCorsOrigins(io.verdict.scheduler.http.cors.CorsPolicy.parse(env.get("SCHEDULER_CORS_ORIGINS")));
        } catch (IllegalArgumentException e) {
            throw new UsageException("serve: SCHEDULER_CORS_ORIGINS: " + e.getMessage());
        }
        String hb = env.get("SCHEDULER_SSE_HEARTBEAT_SECONDS");
        if (hb != null) {
            try {
                int n = Integer.parseInt(hb.trim());
                if (n < 1 || n > 300) throw new NumberFormatException();
                s = s.withHeartbeat(Duration.ofSeconds(n));
            } catch (NumberFormatException e) {
                throw new UsageException("serve: SCHEDULER_SSE_HEARTBEAT_SECONDS must be 1..300 (got '" + hb + "')");
            }
        }
        return s;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) m.put(key, value);
    }

    /** {@code --data-dir}, else SCHEDULER_DATA_DIR, else ./data: the same rule for serve and token. */
    static Path dataDir(String option, Map<String, String> env) {
        if (option != null && !option.isBlank()) return Path.of(option);
        String e = env.get("SCHEDULER_DATA_DIR");
        return Path.of(e == null || e.isBlank() ? "data" : e);
    }

    /**
     * The demo's estate with yesterday's verdicts as baseline, and two schedules for tenant demo. Idempotent over
     * a durable store: images are upserts, existing verdicts and schedules are kept. Once an estate was seeded
     * completely ({@link DemoMarker}), a restart that finds all its digests in the store does not seed again (an
     * image re-indexed through the API since keeps its new SBOM; a removed one brings the seeding back).
     */
    static String loadDemo(SchedulerRuntime runtime, int images) {
        Scheduler scheduler = runtime.scheduler();
        AppConfig cfg = runtime.config();
        // Seeding reads the index inside one store transaction, which the index's own load (a store read) would
        // wait for: load it (if pending) and wait before anything else.
        if (cfg.role().plans()) scheduler.awaitIndexLoaded();
        SimulatedScanner baselines = new SimulatedScanner(cfg.seed() == null ? 42 : cfg.seed(), SimulatedScanner.Profile.FAST,
                scheduler.clock());
        DemoEstate estate = new DemoEstate(42);
        DemoMarker marker = new DemoMarker(cfg.dataDir(), 42, cfg.seed() == null ? 42 : cfg.seed(), images);
        int demoImages = 0;
        for (int i = 0; i < images; i++) if (DemoEstate.tenantOf(i).equals("demo")) demoImages++;
        // A restart over a store holding this very estate (the marker names it, the index just loaded from the
        // store has every digest): nothing to generate or compare. Otherwise seed; unchanged images cost no write.
        if (!marker.holds(estate, images, (tenant, digest) -> scheduler.indexedImage(tenant, digest).isPresent())) {
            marker.clear();
            Instant yesterday = scheduler.clock().instant().minus(Duration.ofDays(1));
            // One transaction for the whole estate: one commit (one fsync) instead of two per image.
            runtime.bulk(() -> {
                for (ImageRecord img : estate.images(images)) {
                    // On a restart the index was just rebuilt from the store: an unchanged image needs no work at all.
                    if (!scheduler.indexedImage(img.tenantId(), img.digest()).filter(img::equals).isPresent()) {
                        scheduler.indexImage(img);
                    }
                    if (scheduler.latestVerdict(img.tenantId(), img.digest()).isEmpty()) {
                        scheduler.importVerdict(img.tenantId(), baselines.baseline(img.digest(), yesterday));
                    }
                }
            });
            marker.record();
        }
        scheduler.markIndexRefreshed();
        if (scheduler.schedules().list("demo").isEmpty()) {
            Caller loader = new Caller("demo", "demo-loader", null);
            scheduler.schedules().create(loader, ScheduleSpec.simple("nightly sweep", "0 2 * * *", "Europe/Berlin"));
            scheduler.schedules().create(loader, new ScheduleSpec("payments hourly", false, "0 * * * *", "UTC",
                    Mode.ANALYSIS_ONLY, Selector.byNamespace("demo", "payments"), new Schedule.OnlyIf(1, null), null,
                    new Schedule.Limits(null, 50.0, 2, 10), null));
        }
        DemoEstate.Advisory adv = estate.advisory();
        return "demo estate: " + images + " images across " + DemoEstate.TENANTS + " (" + demoImages
                + " in tenant demo), schedules 'nightly sweep' (enabled) and 'payments hourly' (paused);"
                + " try the advisory purls " + adv.purls().stream().limit(2).toList();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }
}
