package io.verdict.scheduler.http.bench;

import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.intake.IntakeLimits;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Live heap over N maximal advisory events (a {@code main}, not picked up by surefire): each event carries the
 * most vulnerability IDs × purls a single event may teach the catalog ({@link IntakeLimits#MAX_ID_PURL_PAIRS}),
 * with IDs never seen before, so every event adds as much as it can. Prints the live heap (after GC) every few
 * events. Before the limits, one event of 10k IDs × 10k purls added ~3 GB.
 */
public final class IntakeHeapBenchmark {
    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int ids = IntakeLimits.MAX_VULNERABILITY_IDS;
        int purls = IntakeLimits.MAX_ID_PURL_PAIRS / ids;
        try (TestServer t = new TestServer(s -> s.withMaxBodyBytes(8 << 20), b -> b.intakeRate(10_000, 10_000))) {
            String token = t.token("acme");
            t.indexImages("acme", 200, "payments", List.of("pkg:npm/lodash@4.17.20"));
            System.out.printf("events of %d IDs x %d purls (%d pairs each); catalog bound %d pairs per tenant%n",
                    ids, purls, ids * purls, IntakeLimits.MAX_CATALOG_PAIRS_PER_TENANT);
            System.out.printf("%8s %14s%n", "events", "live heap MB");
            System.out.printf("%8d %14.1f%n", 0, liveHeapMb());
            for (int e = 1; e <= events; e++) {
                int event = e;
                String idList = IntStream.range(0, ids).mapToObj(i -> "\"CVE-" + (2000 + event) + "-" + i + "\"")
                        .collect(Collectors.joining(","));
                String purlList = IntStream.range(0, purls)
                        .mapToObj(i -> "\"pkg:npm/pkg-" + event + "-" + i + "@1.0." + i + "\"").collect(Collectors.joining(","));
                var r = t.post("/api/v1/scheduler/events/advisory", token, "{\"eventId\":\"heap-" + e
                        + "\",\"vulnerabilityIds\":[" + idList + "],\"purls\":[" + purlList + "]}");
                if (r.status() != 202) throw new IllegalStateException("event " + e + ": " + r);
                if (e % 10 == 0 || e == 1) System.out.printf("%8d %14.1f%n", e, liveHeapMb());
            }
            var refused = t.post("/api/v1/scheduler/events/advisory", token, "{\"eventId\":\"too-big\",\"vulnerabilityIds\":["
                    + IntStream.range(0, ids).mapToObj(i -> "\"CVE-1999-" + i + "\"").collect(Collectors.joining(","))
                    + "],\"purls\":[" + IntStream.range(0, purls + 1).mapToObj(i -> "\"pkg:npm/x-" + i + "@1\"")
                    .collect(Collectors.joining(",")) + "]}");
            System.out.println("one pair beyond the bound: " + refused.status() + " " + refused.json().get("errors"));
        }
    }

    private static double liveHeapMb() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }
}
