package io.verdict.scheduler.nats;

import java.time.Duration;

/**
 * Where and how one queue lives on JetStream.
 *
 * @param namespace      names every stream and bucket of the deployment ({@code [A-Za-z0-9-]}, e.g. {@code prod})
 * @param queue          {@code runner} or {@code planner} (SPEC §11)
 * @param consumer       the durable pull consumer all nodes share ({@code scheduler-runners} / {@code scheduler-planners})
 * @param ackWait        the server-side lease: a delivery not acked, naked or renewed (in-progress ack) within it is
 *                       delivered again. Leases shorter than this are reclaimed by the adapter's own scan.
 * @param maxDeliveries  a message handed out this often is terminated and dead-lettered by the adapter (a safety net
 *                       above the core's own attempt limit, for a message that kills its workers)
 * @param deadLetterCap  dead letters kept per queue (oldest dropped first)
 * @param reclaimEvery   how often an idle {@code claim} may scan for leases that expired before {@code ackWait}
 */
public record NatsQueueSettings(String namespace, String queue, String consumer, Duration ackWait,
                                int maxDeliveries, long deadLetterCap, Duration reclaimEvery) {
    public NatsQueueSettings {
        NatsNames.namespace(namespace);
        if (!queue.matches("[a-z][a-z0-9-]{0,31}")) throw new IllegalArgumentException("bad queue name: " + queue);
        if (!consumer.matches("[A-Za-z0-9_-]{1,64}")) throw new IllegalArgumentException("bad consumer name: " + consumer);
        if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("ackWait below 1s: " + ackWait);
        if (maxDeliveries < 2) throw new IllegalArgumentException("maxDeliveries must be at least 2");
        if (deadLetterCap < 1) throw new IllegalArgumentException("deadLetterCap must be positive");
    }

    public static NatsQueueSettings runner(String namespace) {
        return new NatsQueueSettings(namespace, "runner", "scheduler-runners", Duration.ofSeconds(30), 100, 100_000,
                Duration.ofMillis(500));
    }

    public static NatsQueueSettings planner(String namespace) {
        return new NatsQueueSettings(namespace, "planner", "scheduler-planners", Duration.ofSeconds(30), 100, 100_000,
                Duration.ofMillis(500));
    }

    public NatsQueueSettings withAckWait(Duration d) {
        return new NatsQueueSettings(namespace, queue, consumer, d, maxDeliveries, deadLetterCap, reclaimEvery);
    }

    public NatsQueueSettings withMaxDeliveries(int n) {
        return new NatsQueueSettings(namespace, queue, consumer, ackWait, n, deadLetterCap, reclaimEvery);
    }

    String stream() {
        return namespace + "_q_" + queue;
    }

    /** Every segment has its own subject ({@code <ns>.q.<queue>.<tenant>.<run>.<index>}): see {@link #subject(io.verdict.scheduler.queue.SegmentRef)}. */
    String subjects() {
        return namespace + ".q." + queue + ".>";
    }

    /**
     * The segment's own subject. One subject per segment lets an enqueue be a create-if-absent publish ("expected
     * last subject sequence 0": refused while the segment's message is in the stream, i.e. waiting or leased), and
     * lets {@code depth} and {@code purgeRun} find messages by subject without reading them.
     */
    String subject(io.verdict.scheduler.queue.SegmentRef ref) {
        return subject(ref.tenantId()) + "." + NatsNames.token(ref.runId()) + "." + ref.index();
    }

    /** The subjects of one run's segments, whatever its tenant. */
    String runSubjects(String runId) {
        return namespace + ".q." + queue + ".*." + NatsNames.token(runId) + ".*";
    }

    String subject(String tenantId) {
        return namespace + ".q." + queue + "." + NatsNames.token(tenantId);
    }

    String deadStream() {
        return namespace + "_q_" + queue + "_dead";
    }

    String deadSubject(String tenantId) {
        return namespace + ".dead." + queue + "." + NatsNames.token(tenantId);
    }

    String stateBucket() {
        return namespace + "_q_" + queue + "_state";
    }
}
