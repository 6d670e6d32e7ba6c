package io.verdict.scheduler.redis.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.redis.RedisConnection;
import io.verdict.scheduler.redis.RedisSegmentQueue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue throughput against a real Redis (not a unit test; prints figures, asserts nothing about speed).
 * Producers enqueue segment refs in batches while consumers claim and ack them in batches, all through one
 * shared connection (lettuce pipelines the concurrent script calls). A message counts once it was enqueued,
 * claimed and acked. Run: see the module README.
 *
 * <p>Each round runs the queue and then, on the same Redis with the same threads, batches and payloads, the floor:
 * a raw pipelined lettuce loop (producers send one {@code XADD} per message asynchronously and await the batch,
 * consumers {@code XREADGROUP COUNT batch} and {@code XACK} the batch) — no fairness, leases, fencing or
 * idempotency. It prints both rates, their ratio and Redis' CPU per message, plus the per-command cost from
 * {@code INFO commandstats} deltas.
 *
 * <p>Arguments (all optional): {@code uri=redis://127.0.0.1:6379/0 messages=200000 batch=250 producers=2 consumers=4
 * rounds=3 leaseMs=60000}
 */
public final class QueueThroughputBench {
    /**
     * Lease time of the full-cycle rounds. Shorter than a round ({@code leaseMs=1000}), the claims' housekeeping also
     * meets the lease index entries of batches acked long ago, so their clean-up is part of the figures.
     */
    private static Duration lease = Duration.ofMinutes(1);

    public static void main(String[] args) throws Exception {
        String uri = arg(args, "uri", "redis://127.0.0.1:6379/0");
        int messages = Integer.parseInt(arg(args, "messages", "200000"));
        int batch = Integer.parseInt(arg(args, "batch", "250"));
        int producers = Integer.parseInt(arg(args, "producers", "2"));
        int consumers = Integer.parseInt(arg(args, "consumers", "4"));
        lease = Duration.ofMillis(Long.parseLong(arg(args, "leaseMs", "60000")));

        try (RedisConnection redis = RedisConnection.connect(uri)) {
            System.out.printf("redis %s, %d messages, batch %d, %d producers, %d consumers, lease %d ms, %d cores%n",
                    redis.endpoint(), messages, batch, producers, consumers, lease.toMillis(),
                    Runtime.getRuntime().availableProcessors());
            int rounds = Integer.parseInt(arg(args, "rounds", "3"));
            RedisClient rawClient = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> raw = rawClient.connect()) {
                run(redis, Math.min(messages, 20_000), batch, producers, consumers, "warm-up");
                raw(redis, raw, Math.min(messages, 20_000), batch, producers, consumers, "warm-up");
                for (int round = 1; round <= rounds; round++) {
                    Map<String, long[]> before = commandStats(redis);
                    double[] q = run(redis, messages, batch, producers, consumers, "round " + round);
                    Map<String, long[]> mid = commandStats(redis);
                    double[] r = raw(redis, raw, messages, batch, producers, consumers, "raw " + round);
                    Map<String, long[]> after = commandStats(redis);
                    System.out.printf("ratio %d  queue/raw %.2f (queue %,.0f vs raw %,.0f msgs/s; Redis %.1f vs %.1f µs/msg)%n",
                            round, q[0] / r[0], q[0], r[0], q[1], r[1]);
                    printCommandStats("queue " + round, before, mid, messages);
                    printCommandStats("raw   " + round, mid, after, messages);
                }
            } finally {
                rawClient.shutdown(0, 2, TimeUnit.SECONDS);
            }
            phases(redis, messages, batch);
        }
    }

    /** Returns {msgs/s, Redis µs per message}. */
    private static double[] run(RedisConnection redis, int messages, int batch, int producers, int consumers, String label)
            throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        AtomicLong acked = new AtomicLong();
        AtomicLong nextBatch = new AtomicLong();
        int batches = (messages + batch - 1) / batch;
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        double redisCpuBefore = redisCpuSeconds(redis);
        long clientCpuBefore = clientCpuNanos();
        long start = System.nanoTime();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                tasks.add(pool.submit(() -> {
                    for (long b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                        List<SegmentRef> refs = new ArrayList<>(batch);
                        for (long i = b * batch; i < Math.min(messages, (b + 1) * batch); i++) {
                            refs.add(new SegmentRef("tenant-" + (i % 4), "run-" + (i / 10_000), (int) i, "sched-bench"));
                        }
                        queue.enqueueAll(refs, Instant.now());
                    }
                    return null;
                }));
            }
            for (int c = 0; c < consumers; c++) {
                String owner = "bench-w" + c;
                tasks.add(pool.submit(() -> {
                    while (acked.get() < messages) {
                        List<Lease> leases = queue.claimBatch(owner, lease, batch);
                        if (leases.isEmpty()) {
                            Thread.sleep(1);
                            continue;
                        }
                        acked.addAndGet(queue.ackAll(leases));
                    }
                    return null;
                }));
            }
            for (Future<?> f : tasks) f.get();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double redisCpu = redisCpuSeconds(redis) - redisCpuBefore;
        double clientCpu = (clientCpuNanos() - clientCpuBefore) / 1e9;
        System.out.printf("%-8s %,d messages enqueued+claimed+acked in %.2f s = %,.0f msgs/s"
                        + " (Redis CPU %.1f µs/msg, busy %.0f%% of the run; client CPU %.1f µs/msg)%n",
                label, acked.get(), seconds, acked.get() / seconds, redisCpu * 1e6 / acked.get(),
                100 * redisCpu / seconds, clientCpu * 1e6 / acked.get());
        deleteKeys(redis, prefix);
        return new double[] {acked.get() / seconds, redisCpu * 1e6 / acked.get()};
    }

    /** The floor: the same traffic as raw stream commands on one shared, pipelining connection. */
    private static double[] raw(RedisConnection redis, StatefulRedisConnection<String, String> conn, int messages,
                                int batch, int producers, int consumers, String label) throws Exception {
        String stream = "bench-raw-" + UUID.randomUUID().toString().substring(0, 8) + ":stream";
        String group = "raw-group";
        conn.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
        AtomicLong acked = new AtomicLong();
        AtomicLong nextBatch = new AtomicLong();
        int batches = (messages + batch - 1) / batch;
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        double redisCpuBefore = redisCpuSeconds(redis);
        long clientCpuBefore = clientCpuNanos();
        long start = System.nanoTime();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                tasks.add(pool.submit(() -> {
                    RedisAsyncCommands<String, String> async = conn.async();
                    for (long b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                        List<RedisFuture<String>> sent = new ArrayList<>(batch);
                        for (long i = b * batch; i < Math.min(messages, (b + 1) * batch); i++) {
                            String tenant = "tenant-" + (i % 4);
                            String run = "run-" + (i / 10_000);
                            String payload = "{\"index\":" + i + ",\"runId\":\"" + run + "\",\"scheduleId\":\"sched-bench\",\"tenantId\":\""
                                    + tenant + "\"}";
                            sent.add(async.xadd(stream, "ref", run + "#" + i, "tenant", tenant, "payload", payload));
                        }
                        if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), sent.toArray(RedisFuture[]::new))) {
                            throw new IllegalStateException("XADD batch timed out");
                        }
                    }
                    return null;
                }));
            }
            for (int c = 0; c < consumers; c++) {
                String owner = "raw-w" + c;
                tasks.add(pool.submit(() -> {
                    RedisCommands<String, String> sync = conn.sync();
                    while (acked.get() < messages) {
                        List<StreamMessage<String, String>> got = sync.xreadgroup(Consumer.from(group, owner),
                                XReadArgs.Builder.count(batch), XReadArgs.StreamOffset.lastConsumed(stream));
                        if (got.isEmpty()) {
                            Thread.sleep(1);
                            continue;
                        }
                        acked.addAndGet(sync.xack(stream, group, got.stream().map(StreamMessage::getId).toArray(String[]::new)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : tasks) f.get();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double redisCpu = redisCpuSeconds(redis) - redisCpuBefore;
        double clientCpu = (clientCpuNanos() - clientCpuBefore) / 1e9;
        System.out.printf("%-8s %,d messages XADD+XREADGROUP+XACK    in %.2f s = %,.0f msgs/s"
                        + " (Redis CPU %.1f µs/msg, busy %.0f%% of the run; client CPU %.1f µs/msg)%n",
                label, acked.get(), seconds, acked.get() / seconds, redisCpu * 1e6 / acked.get(), 100 * redisCpu / seconds,
                clientCpu * 1e6 / acked.get());
        conn.sync().unlink(stream);
        return new double[] {acked.get() / seconds, redisCpu * 1e6 / acked.get()};
    }

    /** {@code INFO commandstats}: command → {calls, usec}. Deltas, so other clients' traffic is mostly excluded. */
    private static Map<String, long[]> commandStats(RedisConnection redis) {
        Map<String, long[]> out = new TreeMap<>();
        for (String line : redis.commands().info("commandstats").split("\\r?\\n")) {
            if (!line.startsWith("cmdstat_")) continue;
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            long calls = 0, usec = 0;
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                if (kv.startsWith("calls=")) calls = Long.parseLong(kv.substring(6));
                else if (kv.startsWith("usec=")) usec = Long.parseLong(kv.substring(5));
            }
            out.put(name, new long[] {calls, usec});
        }
        return out;
    }

    private static void printCommandStats(String label, Map<String, long[]> before, Map<String, long[]> after, int messages) {
        StringBuilder sb = new StringBuilder(label).append(" commandstats:");
        after.forEach((name, a) -> {
            long[] b = before.getOrDefault(name, new long[2]);
            long calls = a[0] - b[0], usec = a[1] - b[1];
            if (calls == 0 || usec * 1000L / messages < 5) return; // below 0.005 µs per message: noise
            sb.append(String.format(" %s %,d calls %.1f µs/call %.2f µs/msg;", name, calls, (double) usec / calls,
                    (double) usec / messages));
        });
        System.out.println(sb);
    }

    /** One thread, one phase at a time: what each script costs Redis per message, with little client load. */
    private static void phases(RedisConnection redis, int messages, int batch) {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        List<SegmentRef> refs = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) refs.add(new SegmentRef("tenant-" + (i % 4), "run-" + (i / 10_000), i, "sched-bench"));

        double cpu = redisCpuSeconds(redis);
        phaseStats = commandStats(redis);
        long t = System.nanoTime();
        for (int i = 0; i < messages; i += batch) queue.enqueueAll(refs.subList(i, Math.min(messages, i + batch)), Instant.now());
        cpu = report("enqueue", messages, t, cpu, redis);

        List<Lease> leases = new ArrayList<>(messages);
        t = System.nanoTime();
        for (List<Lease> l = queue.claimBatch("bench", Duration.ofMinutes(5), batch); !l.isEmpty();
             l = queue.claimBatch("bench", Duration.ofMinutes(5), batch)) {
            leases.addAll(l);
        }
        cpu = report("claim", leases.size(), t, cpu, redis);

        t = System.nanoTime();
        for (int i = 0; i < leases.size(); i += batch) queue.ackAll(leases.subList(i, Math.min(leases.size(), i + batch)));
        report("ack", leases.size(), t, cpu, redis);
        deleteKeys(redis, prefix);
    }

    private static Map<String, long[]> phaseStats;

    private static double report(String phase, int n, long startNanos, double cpuBefore, RedisConnection redis) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double cpu = redisCpuSeconds(redis);
        System.out.printf("phase %-7s %,d in %.2f s = %,.0f msgs/s (Redis CPU %.1f µs/msg), one client thread%n",
                phase, n, seconds, n / seconds, (cpu - cpuBefore) * 1e6 / n);
        Map<String, long[]> now = commandStats(redis);
        if (phaseStats != null) printCommandStats("phase " + phase, phaseStats, now, n);
        phaseStats = commandStats(redis);
        return cpu;
    }

    /** This JVM's CPU time (all threads, GC and lettuce's I/O included). */
    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Redis' own CPU time (user + system), to tell a saturated Redis from a starved client. */
    private static double redisCpuSeconds(RedisConnection redis) {
        double total = 0;
        for (String line : redis.commands().info("cpu").split("\\r?\\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    private static void deleteKeys(RedisConnection redis, String prefix) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.commands().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
            if (!page.getKeys().isEmpty()) redis.commands().unlink(page.getKeys().toArray(String[]::new));
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static String arg(String[] args, String name, String fallback) {
        for (String a : args) if (a.startsWith(name + "=")) return a.substring(name.length() + 1);
        return fallback;
    }
}
