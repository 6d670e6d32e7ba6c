package io.verdict.scheduler.bench.race;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The throughput race of issue 8: ours end to end on each store against db-scheduler and JobRunr on the same
 * PostgreSQL, plus the raw floors, each lane in a child JVM of its own started with this JVM's flags (same heap for
 * all, nothing left over from the previous lane), one after the other. Prints one markdown table.
 *
 * <pre>
 * benchmarks/race.sh [--targets 100000] [--quick] [--lanes a,b] [--peer-targets N] [--cap lane=N] [--jfr lane]
 * </pre>
 */
public final class Race {
    /** Every lane, in the order they run, with what the row means. */
    static final Map<String, String> LANES = new LinkedHashMap<>();

    static {
        LANES.put("ours-sqlite", "ours, embedded default: SQLite file (store, queue, locks, outbox)");
        LANES.put("ours-pg-redis", "ours, PostgreSQL store + Redis queue/locks/events");
        LANES.put("ours-mongo-redis", "ours, Mongo wire on mongo-java-server memory backend (**test double**) + Redis");
        LANES.put("db-scheduler", "db-scheduler 16.7.1, PostgreSQL, 1 no-op one-time task per target, 10 threads, lock-and-fetch");
        LANES.put("jobrunr", "JobRunr OSS 8.3.1, PostgreSQL, 1 no-op job per target, 10 workers");
        LANES.put("floor-memory", "floor: our core, in-memory adapters (same pipeline, no I/O)");
        LANES.put("floor-redis", "floor: raw lettuce XADD + XREADGROUP + XACK, pipelined, 1 message per target");
        LANES.put("floor-sqlite", "floor: raw JDBC insert + claim + delete on SQLite (WAL, FULL), 1 row per target");
    }

    private static final List<String> PEERS = List.of("db-scheduler", "jobrunr");

    private Race() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]));
            return;
        }
        int targets = 100_000;
        Integer peerTargets = null;
        long laneTimeout = 1800;
        List<String> lanes = new ArrayList<>(LANES.keySet());
        Map<String, Integer> caps = new LinkedHashMap<>();
        String jfr = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--targets" -> targets = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--quick" -> targets = 20_000; // the final quiet-machine measurement, ≤ 5 min
                case "--peer-targets" -> peerTargets = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--cap" -> {
                    String[] kv = args[++i].split("=");
                    caps.put(known(kv[0]), Integer.parseInt(kv[1].replace("_", "").replace(",", "")));
                }
                case "--lanes" -> lanes = List.of(args[++i].split(",")).stream().map(Race::known).toList();
                case "--lane-timeout" -> laneTimeout = Long.parseLong(args[++i]);
                case "--jfr" -> jfr = known(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: Race [--targets N] [--quick] [--lanes " + String.join(",", LANES.keySet())
                            + "] [--peer-targets N] [--cap lane=N] [--lane-timeout seconds] [--jfr lane]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
            }
        }
        if (peerTargets != null) for (String p : PEERS) caps.putIfAbsent(p, peerTargets);
        // mongo-java-server scans a collection per lookup (no secondary indexes): its lane grows quadratically
        // (2,000 targets in 10 s, 10,000 in 554 s at load 17), so it is capped unless told otherwise.
        caps.putIfAbsent("ours-mongo-redis", targets <= 20_000 ? 2_000 : 5_000);

        String loadBefore = loadAverage();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, LaneResult> results = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String lane : lanes) {
            int n = Math.min(targets, caps.getOrDefault(lane, targets));
            System.err.printf("== %s: %,d (load %s)%n", lane, n, loadAverage());
            try {
                results.put(lane, spawn(lane, n, laneTimeout, lane.equals(jfr)));
            } catch (Exception e) {
                failures.put(lane, e.getMessage());
                System.err.println("== " + lane + " FAILED: " + e.getMessage());
            }
        }
        System.out.println(table(targets, started, loadBefore, loadAverage(), results, failures, caps));
    }

    private static String known(String lane) {
        if (!LANES.containsKey(lane)) throw new IllegalArgumentException("unknown lane " + lane + "; lanes: " + LANES.keySet());
        return lane;
    }

    /** Runs one lane in a child JVM with this JVM's flags; its output goes to stderr, its result line is parsed. */
    private static LaneResult spawn(String lane, int n, long timeoutSeconds, boolean profile) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-XX:StartFlightRecording") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        }
        if (profile) {
            Path out = Path.of("benchmarks", "target", "race-" + lane + ".jfr").toAbsolutePath();
            Files.createDirectories(out.getParent());
            cmd.add("-XX:StartFlightRecording=filename=" + out + ",settings=profile,dumponexit=true");
            System.err.println("== profiling " + lane + " to " + out);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Race.class.getName(), "--child", lane,
                Integer.toString(n)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        LaneResult[] result = new LaneResult[1];
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(LaneResult.MARK)) result[0] = LaneResult.parse(line);
                    System.err.println("   [" + lane + "] " + line);
                }
            } catch (Exception e) {
                System.err.println("   [" + lane + "] output lost: " + e);
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroy(); // SIGTERM first: the lane's shutdown hooks drop its schema
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            throw new IllegalStateException("timed out after " + timeoutSeconds + " s (raise --lane-timeout or --cap it)");
        }
        reader.join(5_000);
        if (result[0] == null) throw new IllegalStateException("exit code " + p.exitValue() + ", no result line");
        return result[0];
    }

    /** Inside the child JVM: run the lane once and print its result line. */
    private static void child(String lane, int n) throws Exception {
        LaneResult r = switch (lane) {
            case "ours-sqlite" -> OursLane.run(lane, OursLane.Store.SQLITE, n);
            case "ours-pg-redis" -> OursLane.run(lane, OursLane.Store.POSTGRES_REDIS, n);
            case "ours-mongo-redis" -> OursLane.run(lane, OursLane.Store.MONGO_REDIS, n);
            case "floor-memory" -> OursLane.run(lane, OursLane.Store.MEMORY, n);
            case "db-scheduler" -> DbSchedulerLane.run(lane, n);
            case "jobrunr" -> JobRunrLane.run(lane, n);
            case "floor-redis" -> RawRedisLane.run(lane, n);
            case "floor-sqlite" -> RawSqliteLane.run(lane, n);
            default -> throw new IllegalArgumentException(lane);
        };
        System.out.println(r.line());
        System.out.flush();
        // Libraries may leave non-daemon threads behind (pools, event loops); the lane is over.
        System.exit(0);
    }

    static String table(int targets, Instant started, String loadBefore, String loadAfter, Map<String, LaneResult> results,
                        Map<String, String> failures, Map<String, Integer> caps) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Race %s, %,d targets, JDK %s, %d CPUs, JVM flags %s, load average %s → %s%n%n",
                started, targets, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), loadBefore, loadAfter));
        sb.append("| lane | count | index s (not in wall) | plan / enqueue s | wall s | per second | × db-scheduler | × JobRunr | outcome |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        LaneResult dbs = results.get("db-scheduler");
        LaneResult jr = results.get("jobrunr");
        for (Map.Entry<String, String> lane : LANES.entrySet()) {
            LaneResult r = results.get(lane.getKey());
            if (r == null) {
                if (failures.containsKey(lane.getKey())) {
                    sb.append("| ").append(lane.getValue()).append(" | — | — | — | — | — | — | — | FAILED: ")
                            .append(failures.get(lane.getKey())).append(" |\n");
                }
                continue;
            }
            boolean ours = lane.getKey().startsWith("ours") || lane.getKey().equals("floor-memory");
            String label = lane.getKey().equals("ours-sqlite") ? "**" + lane.getValue() + "**" : lane.getValue();
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %s | %.1f | %.1f | %,.0f | %s | %s | %s |%n", label, r.count(),
                    ours ? String.format(Locale.ROOT, "%.1f", r.setupSec()) : "—", r.firstSec(), r.wallSec(), r.perSecond(),
                    ratio(r, dbs), ratio(r, jr), r.outcome()));
        }
        sb.append('\n').append("wall = plan start (ours) / bulk schedule start (peers, floors) until the last target is done; "
                + "per second = count / wall; × peer = this row's per second / the peer's.\n");
        caps.forEach((lane, cap) -> {
            if (cap < targets && results.containsKey(lane)) {
                sb.append(String.format(Locale.ROOT, "capped: %s ran %,d of %,d%n", lane, Math.min(cap, targets), targets));
            }
        });
        return sb.toString();
    }

    private static String ratio(LaneResult r, LaneResult peer) {
        if (peer == null || peer.perSecond() == 0) return "—";
        return String.format(Locale.ROOT, "%.2f×", r.perSecond() / peer.perSecond());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }
}
