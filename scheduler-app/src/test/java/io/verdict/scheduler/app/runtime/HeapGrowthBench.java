package io.verdict.scheduler.app.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.verdict.scheduler.app.cli.Cli;
import io.verdict.scheduler.app.serve.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Does the heap grow with runs? (issue 11; not a unit test — its name keeps it out of the default build.) Starts the
 * deployable in this JVM exactly as {@code serve} does — embedded SQLite store, durable outbox with its dispatcher
 * delivering to the log sink and to a webhook (a JDK {@code HttpServer} receiver answering 200), the HTTP control
 * plane — and submits {@code bench.runs} (50) manual runs over the API, one after another, each over the demo
 * tenant's images. Live heap is read from {@link MemoryMXBean} after five {@code System.gc()} calls (G1: full,
 * stop-the-world collections), with the outbox drained, at start (after one warm-up run), after 10 runs and after
 * all runs. Prints a table and writes it to {@code target/heap-growth-bench.txt}.
 *
 * <pre>
 * ./mvnw -B -q -pl scheduler-app -am verify -Dtest=HeapGrowthBench -Dsurefire.failIfNoSpecifiedTests=false
 * cat scheduler-app/target/heap-growth-bench.txt
 * </pre>
 */
class HeapGrowthBench {
    private static final int RUNS = Integer.getInteger("bench.runs", 50);
    private static final int IMAGES = Integer.getInteger("bench.images", 600);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void liveHeapBeforeAndAfterRuns() throws Exception {
        AtomicLong deliveries = new AtomicLong();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            deliveries.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("SCHEDULER_SIM_LATENCY_MS", "0", "SCHEDULER_LOG_LEVEL", "WARN",
                "SCHEDULER_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "SCHEDULER_WEBHOOK_SECRET", "heap-bench-secret-0123456789");
        List<String> rows = new ArrayList<>();
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1", "--demo",
                "--demo-images", Integer.toString(IMAGES), "--data-dir", data.toString(), "--workers", "2"),
                new PrintStream(new ByteArrayOutputStream()), env)) {
            String url = "http://127.0.0.1:" + svc.port();
            String token = token(data);
            HttpClient http = HttpClient.newHttpClient();
            run(http, url, token, -1); // warm-up, not counted: classes loaded, JIT, pools and caches filled
            awaitDrained(http, url, deliveries);
            long[] heap = new long[3];
            heap[0] = measure(rows, "before (after 1 warm-up run)", 0, deliveries.get());
            long targets = 0;
            for (int done = 1; done <= RUNS; done++) {
                targets += run(http, url, token, done);
                if (done == 10 || done == RUNS) {
                    awaitDrained(http, url, deliveries);
                    heap[done == RUNS ? 2 : 1] = measure(rows, "after " + done + " runs", done, deliveries.get());
                }
            }
            rows.add(String.format("growth 10 -> %d runs: %+,d bytes (%+,.0f bytes/run); 0 -> %d: %+,d bytes", RUNS,
                    heap[2] - heap[1], (heap[2] - heap[1]) / (double) (RUNS - 10), RUNS, heap[2] - heap[0]));
            rows.add("largest growth per class, 10 -> " + RUNS + " runs:");
            rows.addAll(topGrowth(HISTOGRAMS.get(1), HISTOGRAMS.get(2), 8));
            rows.add(String.format("runs %d (+1 warm-up), targets evaluated %,d, webhook deliveries %d, max heap %d MiB, %s %s",
                    RUNS, targets, deliveries.get(), Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("java.vm.name"), System.getProperty("java.version")));
        } finally {
            receiver.stop(0);
        }
        String table = String.join(System.lineSeparator(), rows);
        System.out.println(table);
        Files.writeString(Path.of("target", "heap-growth-bench.txt"), table + System.lineSeparator());
    }

    private static String token(Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Cli.execute(new String[] {"token", "--tenant", "demo", "--data-dir", data.toString(), "--scope",
                "runs.read,scheduler.runs.write"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of());
        assertThat(rc).isZero();
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    /** One manual run over every image of the tenant, waited for; returns its target count. */
    private static long run(HttpClient http, String url, String token, int n) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/scheduler/runs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"heap bench " + n + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            var run = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/scheduler/runs/" + id))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            if (Set.of("completed", "error", "cancelled").contains(run.get("state").asText())) {
                assertThat(run.get("state").asText()).isEqualTo("completed");
                return run.path("stats").path("completed").asLong();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    /** Waits until the outbox has nothing pending (every envelope delivered), so no queued work is counted as growth. */
    private static void awaitDrained(HttpClient http, String url, AtomicLong deliveries) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            boolean drained = metrics.lines().anyMatch(l -> l.matches("scheduler_events_outbox\\{status=\"pending\"} 0(\\.0)?"))
                    && metrics.lines().anyMatch(l -> l.matches("scheduler_events_outbox\\{status=\"retrying\"} 0(\\.0)?"));
            if (drained && deliveries.get() > 0) return;
            Thread.sleep(50);
        }
        throw new AssertionError("outbox did not drain");
    }

    private static long measure(List<String> rows, String label, int runs, long delivered) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long used = memory.getHeapMemoryUsage().getUsed();
        Map<String, Long> histogram = liveHistogram();
        long live = histogram.getOrDefault("Total", 0L);
        rows.add(String.format("%-29s runs %3d  heap used after GC %7.1f MiB  live objects %7.1f MiB  webhook deliveries %d",
                label, runs, used / 1048576.0, live / 1048576.0, delivered));
        HISTOGRAMS.add(histogram);
        return live;
    }

    private static final List<Map<String, Long>> HISTOGRAMS = new ArrayList<>();

    /**
     * {@code jcmd <pid> GC.class_histogram} in-process: bytes of live (reachable) objects per class, after a full GC.
     * The total is the figure compared; the per-class rows name what grew.
     */
    private static Map<String, Long> liveHistogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> out = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) out.put(f[3], Long.parseLong(f[2]));
            else if (f.length >= 3 && f[0].equals("Total")) out.put("Total", Long.parseLong(f[2]));
        }
        return out;
    }

    /** The classes whose live bytes grew most between two histograms. */
    private static List<String> topGrowth(Map<String, Long> from, Map<String, Long> to, int n) {
        return to.entrySet().stream().filter(e -> !e.getKey().equals("Total"))
                .map(e -> Map.entry(e.getKey(), e.getValue() - from.getOrDefault(e.getKey(), 0L)))
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n)
                .map(e -> String.format("  %+,12d bytes  %s", e.getValue(), e.getKey())).toList();
    }
}
