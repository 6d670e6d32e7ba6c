package io.verdict.scheduler.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisSegmentQueue} names and bounds its keys.
 *
 * @param prefix            put in front of every key (e.g. {@code prod:} or {@code {verdict}:} — a hash tag keeps
 *                          every key of the queue in one Redis Cluster slot); may be empty
 * @param queue             queue name: {@code runner} (consumer group {@code scheduler-runners}) or {@code planner}
 *                          ({@code scheduler-planners})
 * @param idempotencyTtl    how long a message's idempotency key lives past its availability; set whenever the
 *                          message starts waiting (enqueue, retry, reclaim), extended by long renewals — a safety
 *                          net against leaks, far longer than any wait or lease, not an expiry of work
 * @param deadLetterMaxLen  approximate cap of the dead-letter stream (oldest entries are trimmed)
 * @param housekeepingLimit how many due or expired messages one call moves at most (bounds script run time)
 */
public record RedisQueueSettings(String prefix, String queue, Duration idempotencyTtl, long deadLetterMaxLen,
                                 int housekeepingLimit) {
    public RedisQueueSettings {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(queue, "queue");
        if (!queue.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("queue name must be lower-case letters, digits or '-': " + queue);
        }
        if (idempotencyTtl == null || idempotencyTtl.toMillis() < 1000) {
            throw new IllegalArgumentException("idempotencyTtl must be at least one second: " + idempotencyTtl);
        }
        if (deadLetterMaxLen < 1) throw new IllegalArgumentException("deadLetterMaxLen must be positive");
        if (housekeepingLimit < 1 || housekeepingLimit > 10_000) {
            throw new IllegalArgumentException("housekeepingLimit must be within 1..10000");
        }
    }

    /** The runner queue under {@code prefix}, 7-day idempotency keys, 100,000 dead letters kept. */
    public static RedisQueueSettings runner(String prefix) {
        return new RedisQueueSettings(prefix, "runner", Duration.ofDays(7), 100_000, 1_000);
    }

    /** The planner queue under {@code prefix}. */
    public static RedisQueueSettings planner(String prefix) {
        return runner(prefix).withQueue("planner");
    }

    public RedisQueueSettings withQueue(String name) {
        return new RedisQueueSettings(prefix, name, idempotencyTtl, deadLetterMaxLen, housekeepingLimit);
    }

    public RedisQueueSettings withIdempotencyTtl(Duration ttl) {
        return new RedisQueueSettings(prefix, queue, ttl, deadLetterMaxLen, housekeepingLimit);
    }

    public RedisQueueSettings withDeadLetterMaxLen(long max) {
        return new RedisQueueSettings(prefix, queue, idempotencyTtl, max, housekeepingLimit);
    }

    /** {@code <prefix>scheduler:<queue>} — the stream of ready and leased messages. */
    public String stream() {
        return prefix + "scheduler:" + queue;
    }

    /** {@code scheduler-runners} for {@code runner}, {@code scheduler-planners} for {@code planner}. */
    public String group() {
        return "scheduler-" + queue + "s";
    }

    public String deadStream() {
        return stream() + ":dead";
    }

    String keyBase() {
        return stream() + ":";
    }

    /** Keys in the order the queue scripts expect them (see {@code queue-common.lua}). */
    String[] scriptKeys() {
        String b = keyBase();
        return new String[] {stream(), b + "delayed", b + "leases", b + "holders", b + "backlog", b + "fencing",
                deadStream()};
    }
}
