package io.verdict.scheduler.nats.bench;

import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.verdict.scheduler.nats.NatsConnection;
import io.verdict.scheduler.nats.NatsQueueSettings;
import io.verdict.scheduler.nats.NatsSegmentQueue;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.SegmentRef;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue throughput on a real NATS JetStream (not a unit test; prints figures, asserts nothing about speed).
 * Two loops in the same process and run, alternating, with the same threads and message count:
 * <ul>
 *   <li><b>adapter</b>: producers {@code enqueue} while consumers {@code claim} + {@code ack} through
 *       {@link NatsSegmentQueue} (one instance per consumer thread, as one node each);</li>
 *   <li><b>raw</b>: producers {@code js.publish} to a work-queue stream while consumers pull + {@code ack} on a
 *       durable pull consumer — the floor any queue on JetStream pays. {@code rawFetch=batch} (default) pulls like the
 *       adapter does (up to 32 per pull, "no wait" with a 100 ms expiry), so the two loops differ only in what the
 *       adapter adds; {@code rawFetch=one} is {@code fetch(1)} per message, the floor measured before the adapter
 *       batched its pulls.</li>
 * </ul>
 * Both loops publish synchronously (one publish ack per message: an enqueue is durable when it returns) and ack
 * without waiting (the adapter waits for its record delete, not for the ack).
 * A message counts once it was published, handed out and acked. Prints msgs/s of each and the ratio.
 *
 * <p>Arguments (all optional): {@code url=nats://127.0.0.1:4222 messages=5000 producers=2 consumers=4 rounds=3}
 */
public final class NatsQueueThroughputBench {
    private static String serverPid;
    /** The server's CPU time during the last timed loop (setup and teardown of streams excluded). */
    private static long lastServerCpuMillis;
    /** This JVM's CPU time during the last timed loop. */
    private static long lastClientCpuNanos;
    /** When the last producer finished, as a share of the loop's time (1.0: producing was the bottleneck). */
    private static double lastProducersDoneShare;

    public static void main(String[] args) throws Exception {
        String url = arg(args, "url", "nats://127.0.0.1:4222");
        int messages = Integer.parseInt(arg(args, "messages", "5000"));
        int producers = Integer.parseInt(arg(args, "producers", "2"));
        int consumers = Integer.parseInt(arg(args, "consumers", "4"));
        int rounds = Integer.parseInt(arg(args, "rounds", "3"));
        boolean rawBatch = !arg(args, "rawFetch", "batch").equals("one");
        serverPid = arg(args, "serverPid", null); // a local nats-server: also print its CPU time per message
        try (NatsConnection nats = NatsConnection.connect(url)) {
            System.out.printf("nats %s (server %s), %d messages, %d producers, %d consumers, %d cores, raw %s%n", url,
                    nats.connection().getServerInfo().getVersion(), messages, producers, consumers,
                    Runtime.getRuntime().availableProcessors(), rawBatch ? "batched pulls (32)" : "fetch(1)");
            adapter(nats, messages, producers, consumers); // warm-up: the JIT, the server
            raw(nats, messages, producers, consumers, rawBatch);
            double sumAdapter = 0, sumRaw = 0;
            for (int r = 1; r <= rounds; r++) {
                double raw = raw(nats, messages, producers, consumers, rawBatch);
                long rawCpu = lastServerCpuMillis;
                long rawClient = lastClientCpuNanos;
                double rawProduced = lastProducersDoneShare;
                double adapter = adapter(nats, messages, producers, consumers);
                long adapterCpu = lastServerCpuMillis;
                long adapterClient = lastClientCpuNanos;
                double adapterProduced = lastProducersDoneShare;
                sumAdapter += adapter;
                sumRaw += raw;
                System.out.printf("round %d: raw %,.0f msgs/s, adapter %,.0f msgs/s, ratio %.2f | producers done at %.0f%% / %.0f%% | client CPU µs/msg: raw %.0f, adapter %.0f%s%n",
                        r, raw, adapter, adapter / raw, rawProduced * 100, adapterProduced * 100,
                        rawClient / 1e3 / messages, adapterClient / 1e3 / messages,
                        serverPid == null ? "" : String.format(" | nats-server CPU µs/msg: raw %.0f, adapter %.0f",
                                rawCpu * 1e3 / messages, adapterCpu * 1e3 / messages));
            }
            System.out.printf("mean: raw %,.0f msgs/s, adapter %,.0f msgs/s, ratio %.2f%n", sumRaw / rounds,
                    sumAdapter / rounds, sumAdapter / sumRaw);
            phases(nats, Math.min(messages, 2000));
        }
    }

    private static double adapter(NatsConnection nats, int messages, int producers, int consumers) throws Exception {
        String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        NatsQueueSettings settings = NatsQueueSettings.runner(ns);
        List<NatsSegmentQueue> queues = new ArrayList<>();
        for (int c = 0; c < consumers; c++) queues.add(new NatsSegmentQueue(nats, settings));
        AtomicLong next = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        try {
            return timed(producers, consumers,
                    p -> {
                        for (long i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                            queues.get(0).enqueue(new SegmentRef("t" + (i % 3), "run-" + (i / 1000), (int) i, "sched"), Instant.now());
                        }
                    },
                    c -> {
                        NatsSegmentQueue q = queues.get(c);
                        while (acked.get() < messages) {
                            Optional<Lease> l = q.claim("bench-" + c, Duration.ofMinutes(5));
                            if (l.isPresent() && q.ack(l.get())) acked.incrementAndGet();
                        }
                    }, messages);
        } finally {
            queues.forEach(NatsSegmentQueue::close);
            nats.deleteNamespace(ns);
        }
    }

    private static double raw(NatsConnection nats, int messages, int producers, int consumers, boolean batch)
            throws Exception {
        String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        String stream = ns + "_raw";
        var jsm = nats.connection().jetStreamManagement();
        var js = nats.connection().jetStream();
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(ns + ".raw.*")
                .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File).build());
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable("raw").ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30)).maxAckPending(1_000_000).build());
        List<JetStreamSubscription> subs = new ArrayList<>();
        for (int c = 0; c < consumers; c++) subs.add(js.subscribe(null, PullSubscribeOptions.bind(stream, "raw")));
        AtomicLong next = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        try {
            return timed(producers, consumers,
                    p -> {
                        for (long i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                            js.publish(ns + ".raw.t" + (i % 3),
                                    ("{\"index\":" + i + ",\"runId\":\"run-" + (i / 1000) + "\"}").getBytes(StandardCharsets.UTF_8));
                        }
                    },
                    c -> {
                        JetStreamSubscription sub = subs.get(c);
                        while (acked.get() < messages) {
                            for (Message m : batch ? pull(sub) : sub.fetch(1, Duration.ofMillis(100))) {
                                m.ack();
                                acked.incrementAndGet();
                            }
                        }
                    }, messages);
        } finally {
            for (JetStreamSubscription s : subs) s.unsubscribe();
            jsm.deleteStream(stream);
        }
    }

    /** The adapter's pull: up to 32, answered at once with what there is, or after up to 100 ms for the first. */
    private static List<Message> pull(JetStreamSubscription sub) throws InterruptedException {
        List<Message> got = new ArrayList<>(32);
        sub.pullNoWait(32, Duration.ofMillis(100));
        long deadline = System.nanoTime() + 150_000_000L;
        while (got.size() < 32) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            Message m = sub.nextMessage(Duration.ofNanos(left));
            if (m == null) break;
            if (m.isJetStream()) got.add(m);
        }
        return got;
    }

    /** One thread, one step at a time: where the adapter's time goes, next to the raw calls. */
    private static void phases(NatsConnection nats, int n) throws Exception {
        String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        NatsSegmentQueue q = new NatsSegmentQueue(nats, NatsQueueSettings.runner(ns));
        try {
            List<Lease> leases = new ArrayList<>(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) q.enqueue(new SegmentRef("t1", "run-p", i, null), Instant.now());
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) leases.add(q.claim("p", Duration.ofMinutes(5)).orElseThrow());
            long t2 = System.nanoTime();
            for (Lease l : leases) q.ack(l);
            long t3 = System.nanoTime();
            var js = nats.connection().jetStream();
            var jsm = nats.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(ns + "_raw").subjects(ns + ".raw")
                    .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File).build());
            jsm.addOrUpdateConsumer(ns + "_raw", ConsumerConfiguration.builder().durable("raw").ackPolicy(AckPolicy.Explicit)
                    .maxAckPending(1_000_000).build());
            JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind(ns + "_raw", "raw"));
            long t4 = System.nanoTime();
            for (int i = 0; i < n; i++) js.publish(ns + ".raw", new byte[64]);
            long t5 = System.nanoTime();
            List<Message> got = new ArrayList<>(n);
            while (got.size() < n) got.addAll(sub.fetch(1, Duration.ofMillis(100)));
            long t6 = System.nanoTime();
            for (Message m : got) m.ack();
            nats.connection().flush(Duration.ofSeconds(5));
            long t7 = System.nanoTime();
            System.out.printf("one thread, µs per message: enqueue %.0f, claim %.0f, ack %.0f | raw publish %.0f, fetch %.0f, ack %.0f%n",
                    (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n,
                    (t5 - t4) / 1e3 / n, (t6 - t5) / 1e3 / n, (t7 - t6) / 1e3 / n);
            sub.unsubscribe();
            jsm.deleteStream(ns + "_raw");
        } finally {
            q.close();
            nats.deleteNamespace(ns);
        }
    }

    @FunctionalInterface
    private interface Worker {
        void run(int index) throws Exception;
    }

    private static double timed(int producers, int consumers, Worker producer, Worker consumer, int messages)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        long cpu0 = serverCpuMillis(serverPid);
        long client0 = clientCpuNanos();
        long start = System.nanoTime();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int idx = p;
                tasks.add(pool.submit(() -> { producer.run(idx); return null; }));
            }
            for (int c = 0; c < consumers; c++) {
                int idx = c;
                tasks.add(pool.submit(() -> { consumer.run(idx); return null; }));
            }
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).get();
                if (i == producers - 1) lastProducersDoneShare = System.nanoTime() - start;
            }
        } finally {
            pool.shutdownNow();
        }
        long took = System.nanoTime() - start;
        lastProducersDoneShare = (double) lastProducersDoneShare / took;
        double rate = messages / (took / 1e9);
        lastServerCpuMillis = serverCpuMillis(serverPid) - cpu0;
        lastClientCpuNanos = clientCpuNanos() - client0;
        return rate;
    }

    /** User + system CPU of a local process from /proc (Linux, 100 ticks/s), or 0 when not given or not readable. */
    private static long serverCpuMillis(String pid) {
        if (pid == null) return 0;
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (Exception e) {
            return 0;
        }
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String arg(String[] args, String name, String dflt) {
        for (String a : args) if (a.startsWith(name + "=")) return a.substring(name.length() + 1);
        return dflt;
    }
}
