package io.verdict.scheduler.http.bench;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.http.support.TestServer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark, not a test: SSE fan-out. N subscribers (default 1,000) watch one run over real HTTP connections
 * (bare sockets, all read by one selector thread: see {@link RawSseSubscribers}) while E events (default 200) are appended to its event log at a fixed pace; prints the delivery latency
 * (append → line parsed by the client) over every (subscriber, event) pair. Compass: p99 ≤ 100 ms.
 *
 * <pre>
 * mvn -q -pl scheduler-adapters-http -am test-compile
 * java -cp "$(cat scheduler-adapters-http/target/bench.cp):scheduler-adapters-http/target/classes:scheduler-adapters-http/target/test-classes" \
 *      io.verdict.scheduler.http.bench.SseFanOutBenchmark [subscribers] [events] [intervalMs] [warm-up events]
 * </pre>
 * (see the module README for building {@code bench.cp}).
 */
public final class SseFanOutBenchmark {
    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long intervalMs = args.length > 2 ? Long.parseLong(args[2]) : 10;
        // Events first sent and not measured, so the figures are the warm server's, not the JIT compiler's (it
        // used about a third of the CPU of the measured window, and competed with it, when nothing warmed it up).
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : events;
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
            // No workers: the run stays queued, so every event below comes from this benchmark at a known instant.
            String runId = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"all-images\"}}").json().get("id").asText();
            long planned = t.get("/console/runs/" + runId + "/events", token).json().get("lastEventId").asLong();

            long c0 = System.nanoTime();
            RawSseSubscribers clients = new RawSseSubscribers(subscribers, t.plane.port(),
                    "/console/runs/" + runId + "/stream", token, planned, warmup + events);
            clients.awaitHeaders();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (t.plane.streams().openStreams() < subscribers && System.nanoTime() < deadline) Thread.sleep(10);
            System.out.printf("subscribers connected: %d in %d ms%n", t.plane.streams().openStreams(), (System.nanoTime() - c0) / 1_000_000);

            for (int i = 0; i < warmup; i++) {
                t.storage.events().append("acme", runId, new RunEvent.Log("info", "warm-up event " + i, "bench"));
                Thread.sleep(intervalMs);
            }
            Thread.sleep(1000);
            ConcurrentHashMap<Long, Long> appendedAt = new ConcurrentHashMap<>();
            var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            long jit0 = jit.getTotalCompilationTime();
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long w0 = System.nanoTime();
            long epoch0 = System.currentTimeMillis();
            for (int i = 0; i < events; i++) {
                long now = System.nanoTime();
                long seq = t.storage.events().append("acme", runId,
                        new RunEvent.Log("info", "benchmark event " + i, "bench")).seq();
                appendedAt.put(seq, now);
                Thread.sleep(intervalMs);
            }
            Thread.sleep(2000); // let the last events arrive
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
            double wallSeconds = (System.nanoTime() - w0) / 1e9;
            long jitMs = jit.getTotalCompilationTime() - jit0;
            // For profiles: the window (epoch ms) to filter samples to, e.g. a JFR recording's event start times.
            System.out.printf("events window: epoch ms %d..%d%n", epoch0, System.currentTimeMillis());
            clients.close();
            long[] latencies = new long[subscribers * events];
            int n = 0;
            int missing = 0;
            for (RawSseSubscribers.Subscriber c : clients.subscribers) {
                for (var e : appendedAt.entrySet()) {
                    long got = c.receivedAt(e.getKey());
                    if (got == 0) missing++; else latencies[n++] = got - e.getValue();
                }
            }
            long[] l = Arrays.copyOf(latencies, n);
            Arrays.sort(l);
            System.out.printf("deliveries: %d of %d (missing %d)%n", n, subscribers * events, missing);
            // CPU of this JVM (server and clients) while events flowed: a figure less at the mercy of other load.
            System.out.printf("process CPU during events: %.2f s over %.1f s wall = %.1f µs per delivery (JIT compiling: %d ms)%n",
                    cpuSeconds, wallSeconds, cpuSeconds * 1e6 / Math.max(1, n), jitMs);
            System.out.printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", pct(l, 50), pct(l, 90), pct(l, 99),
                    l.length == 0 ? 0 : l[l.length - 1] / 1e6);
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
