package io.verdict.scheduler.http.bench;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.http.support.TestServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark, not a test: SSE fan-out. N subscribers (default 1,000) watch one run over real HTTP connections
 * (bare sockets, one virtual thread each) while E events (default 200) are appended to its event log at a fixed pace; prints the delivery latency
 * (append → line parsed by the client) over every (subscriber, event) pair. Compass: p99 ≤ 100 ms.
 *
 * <pre>
 * mvn -q -pl scheduler-adapters-http -am test-compile
 * java -cp "$(cat scheduler-adapters-http/target/bench.cp):scheduler-adapters-http/target/classes:scheduler-adapters-http/target/test-classes" \
 *      io.verdict.scheduler.http.bench.SseFanOutBenchmark [subscribers] [events] [intervalMs]
 * </pre>
 * (see the module README for building {@code bench.cp}).
 */
public final class SseFanOutBenchmark {
    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long intervalMs = args.length > 2 ? Long.parseLong(args[2]) : 10;
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
            // No workers: the run stays queued, so every event below comes from this benchmark at a known instant.
            String runId = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"all-images\"}}").json().get("id").asText();
            long planned = t.get("/console/runs/" + runId + "/events", token).json().get("lastEventId").asLong();

            List<RawSseSubscriber> clients = new ArrayList<>(subscribers);
            long c0 = System.nanoTime();
            for (int i = 0; i < subscribers; i++) {
                clients.add(new RawSseSubscriber(t.plane.port(), "/console/runs/" + runId + "/stream", token, planned));
            }
            for (RawSseSubscriber c : clients) c.awaitHeaders();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (t.plane.streams().openStreams() < subscribers && System.nanoTime() < deadline) Thread.sleep(10);
            System.out.printf("subscribers connected: %d in %d ms%n", t.plane.streams().openStreams(), (System.nanoTime() - c0) / 1_000_000);

            ConcurrentHashMap<Long, Long> appendedAt = new ConcurrentHashMap<>();
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long w0 = System.nanoTime();
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
            long[] latencies = new long[subscribers * events];
            int n = 0;
            int missing = 0;
            for (RawSseSubscriber c : clients) {
                for (var e : appendedAt.entrySet()) {
                    Long got = c.receivedAt.get(e.getKey());
                    if (got == null) missing++; else latencies[n++] = got - e.getValue();
                }
                c.close();
            }
            long[] l = Arrays.copyOf(latencies, n);
            Arrays.sort(l);
            System.out.printf("deliveries: %d of %d (missing %d)%n", n, subscribers * events, missing);
            // CPU of this JVM (server and clients) while events flowed: a figure less at the mercy of other load.
            System.out.printf("process CPU during events: %.1f s over %.1f s wall = %.1f µs per delivery%n", cpuSeconds,
                    wallSeconds, cpuSeconds * 1e6 / Math.max(1, n));
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
