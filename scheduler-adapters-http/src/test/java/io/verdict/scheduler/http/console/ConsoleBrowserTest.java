package io.verdict.scheduler.http.console;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.http.FeatureFlags;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console page in a real browser: starts control planes with seeded data on random ports and runs the
 * {@code node --test} specs in {@code src/test/browser/specs} against them (Debian's chromium driven by
 * playwright-core; never a downloaded browser). Fails when a spec fails. Without node, the npm packages or
 * chromium it skips with the reason — unless {@code CI} is set, where it fails, because CI must run it.
 */
class ConsoleBrowserTest {
    static final Path DIR = Path.of("src/test/browser");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @Test
    void theRunsWorkspaceWorksInChromium() throws Exception {
        String missing = missingPrerequisite();
        if (missing != null) {
            String msg = "browser suite not run: " + missing + " (apt-get install -y chromium nodejs npm; cd "
                    + DIR + " && npm ci)";
            if (System.getenv("CI") != null) throw new AssertionError(msg);
            Assumptions.assumeTrue(false, msg);
        }
        Clock clock = Clock.systemUTC();
        // Slow enough that progress is visibly live: ~150 ms per image, 60 images in segments of 5, two workers.
        SimulatedScanner.Profile slow = new SimulatedScanner.Profile(Duration.ofMillis(200), 0, 0, 0, 0.3);
        try (TestServer main = new TestServer(s -> s.withHeartbeat(Duration.ofSeconds(1)),
                b -> b.scanner(new SimulatedScanner(11, slow, clock)));
             TestServer flags = new TestServer(s -> s.withFlags(new FeatureFlags(true, false, false, true)), b -> b);
             TestServer off = new TestServer(s -> s.withFlags(new FeatureFlags(false, true, true, false)), b -> b)) {
            seed(main);
            main.scheduler.startCron(); // the planner heartbeat the header's ticker shows
            seedSmall(flags);
            Map<String, String> env = Map.ofEntries(
                    Map.entry("BASE_URL", "http://127.0.0.1:" + main.plane.port()),
                    Map.entry("FLAGS_URL", "http://127.0.0.1:" + flags.plane.port()),
                    Map.entry("OFF_URL", "http://127.0.0.1:" + off.plane.port()),
                    Map.entry("ACME_TOKEN", main.token("acme")),
                    Map.entry("READONLY_TOKEN", main.token("acme", "runs.read downloads.read")),
                    Map.entry("NOSCOPE_TOKEN", main.token("acme", "downloads.read")),
                    Map.entry("BULK_TOKEN", main.token("bulk", "runs.read")),
                    Map.entry("FLAGS_TOKEN", flags.token("acme")),
                    Map.entry("OFF_TOKEN", off.token("acme")),
                    Map.entry("CHROMIUM", CHROMIUM.toString()),
                    Map.entry("SCREENSHOT_DIR", Path.of("..", "docs", "assets", "ui", "runs").toAbsolutePath().normalize().toString()));
            runNode(env);
        }
    }

    static String missingPrerequisite() {
        if (!Files.isExecutable(CHROMIUM)) return CHROMIUM + " is absent";
        if (!Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) return DIR + "/node_modules is absent";
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) return "node does not run";
        } catch (IOException | InterruptedException e) {
            return "node is absent";
        }
        return null;
    }

    static void runNode(Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec"));
        try (Stream<Path> specs = Files.list(DIR.resolve("specs"))) {
            // -Dbrowser.specs=02 runs only the spec files whose name contains that text (while working on them)
            String only = System.getProperty("browser.specs", "");
            specs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".test.mjs") && n.contains(only)).sorted()
                    .forEach(n -> cmd.add("specs/" + n));
        }
        Path log = Path.of("target", "browser-tests.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(6, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(done).as("browser suite finished within 6 minutes").isTrue();
        assertThat(p.exitValue()).as("browser suite (see target/browser-tests.log):\n" + tail(out)).isZero();
        assertThat(out).containsPattern("(?m)^ℹ pass [1-9]").containsPattern("(?m)^ℹ fail 0$");
    }

    static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    /** acme: 60 images, one finished manual run (with deltas and logs), cron and failed runs; bulk: 10,000 runs. */
    static void seed(TestServer t) throws InterruptedException {
        t.indexImages("acme", 40, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.indexImages("acme", 20, "search", List.of("pkg:pypi/urllib3@1.26.0"));
        var quick = t.post("/api/v1/scheduler/runs", t.token("acme"), """
                {"selector":{"scope":"by-namespace","namespaces":["search"]},"reason":"seeded for the browser suite"}""");
        assertThat(quick.status()).as(quick.toString()).isEqualTo(201);
        t.scheduler.startWorkers(2);
        String id = quick.json().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Set.of("completed", "error", "cancelled").contains(t.get("/api/v1/scheduler/runs/" + id, t.token("acme")).json().get("state").asText())) {
            if (System.nanoTime() > deadline) throw new AssertionError("seed run did not finish");
            Thread.sleep(100);
        }
        Instant base = Instant.now().minusSeconds(3600);
        var runs = t.storage.runs();
        runs.insert(run("acme", 1, base.plusSeconds(60), Trigger.CRON, RunState.COMPLETED, null, null));
        runs.insert(run("acme", 2, base.plusSeconds(120), Trigger.CRON, RunState.COMPLETED, null, null));
        runs.insert(run("acme", 3, base.plusSeconds(180), Trigger.MANUAL, RunState.ERROR,
                new RunError(ErrorCode.ERR_RUN_005, "scanner timed out after 3 attempts"), null));
        Instant bulk = Instant.now().minusSeconds(20_000);
        for (int i = 0; i < 10_000; i++) {
            runs.insert(run("bulk", i, bulk.plusSeconds(i), i % 3 == 0 ? Trigger.CRON : Trigger.MANUAL, RunState.COMPLETED, null, null));
        }
    }

    static void seedSmall(TestServer t) {
        Instant base = Instant.now().minusSeconds(600);
        t.storage.runs().insert(run("acme", 7, base, Trigger.MANUAL, RunState.COMPLETED, null, null));
    }

    static Run run(String tenant, int n, Instant at, Trigger trigger, RunState state, RunError error, String retryOf) {
        String nonce = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(6).putShort((short) 0).putInt(n).array());
        String id = "run:" + tenant + ":" + STAMP.format(at) + ":" + nonce;
        return new Run(id, tenant, null, trigger, Mode.ANALYSIS_ONLY, state, RunReason.manual("seeded", "corr-" + n), at,
                at.plusSeconds(1), at.plusSeconds(1 + n % 90), error, retryOf, null, 0, 0, 0, 1);
    }
}
