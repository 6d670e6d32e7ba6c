package io.verdict.scheduler.observability;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.runs.Mode;

import java.time.Duration;

/**
 * What the core reports for metrics. The HTTP module implements it with Micrometer under the upstream names
 * ({@code scheduler_planner_runs_total}, {@code scheduler_runner_segments_total}, ...); the core stays free of
 * any metrics library. Every method has a no-op default so embedders implement only what they chart.
 */
public interface SchedulerMetrics {
    SchedulerMetrics NONE = new SchedulerMetrics() {};

    /** status: enqueued | no_work | failed */
    default void plannerRun(Mode mode, String status, Duration latency) {}

    /** status: completed | retry | dead | cancelled */
    default void segment(Mode mode, String status) {}

    default void image(Mode mode, boolean delta) {}

    default void delta(int newCriticals, int newHigh, int kevHits) {}

    /** result: completed | cancelled | error */
    default void runFinished(Mode mode, String result, Duration duration, ErrorCode error) {}

    /** The planner loop ran (heartbeat). */
    default void plannerHeartbeat() {}

    /** An outbox delivery attempt ended; result: delivered | failed | dead. */
    default void outboxDelivery(String result) {}

    /**
     * The outbox backlog (entries per state; {@code retrying} is the part of {@code pending} that failed before),
     * reported by the dispatcher about once per poll interval. Plain numbers so metrics stay independent of events.
     */
    default void outboxCounts(long pending, long retrying, long delivered, long dead) {}
}
