package io.verdict.scheduler.http.console;

import io.verdict.scheduler.http.api.runs.RunRequests.QueueRow;
import io.verdict.scheduler.http.sse.EventJson.Envelope;
import io.verdict.scheduler.http.sse.EventJson.LogData;
import io.verdict.scheduler.http.views.RunJson.DeltaView;
import io.verdict.scheduler.http.views.RunJson.SegmentView;
import io.verdict.scheduler.http.views.RunJson.StatsView;

import java.time.Instant;
import java.util.List;

/** What the console's Runs workspace reads. */
public final class ConsoleJson {
    private ConsoleJson() {}

    /**
     * @param processed targets evaluated (completed + failed); {@code percent} is of {@code completed} targets
     * @param queued    targets of segments not yet finished (waiting, leased or running)
     */
    public record Progress(int processed, int total, double percent, int completed, int failed, int cancelled,
                           int queued) {}

    public record DeltaCounts(int images, int newCriticals, int newHigh, int newMedium, int newLow, int resolved,
                              int quieted, int kevHits) {}

    /** A row of the runs table. */
    public record RunRow(String runId, String trigger, String mode, String state, String errorCode,
                         String scheduleId, Progress progress, Double durationSeconds, DeltaCounts deltas,
                         List<String> badges, Instant createdAt, Instant startedAt, Instant finishedAt,
                         String policyRevision, String retryOf) {}

    public record RunRows(List<RunRow> items, String nextCursor, String tab) {}

    public record Summary(String runId, String tenantId, String trigger, String mode, String state, String errorCode,
                          String errorMessage, String scheduleId, int shardCount, Instant createdAt,
                          Instant startedAt, Instant finishedAt, String correlationId, String planDigest,
                          String retryOf, String policyRevision, String reason) {}

    /** planner, queue, execution, post-processing; {@code state} pending | running | done. */
    public record Phase(String name, String state, Instant startedAt, Instant finishedAt, Double durationSeconds,
                        Double throughputPerMinute) {}

    public record EvidenceLinks(String findingsCsv, String evidence, String bundle) {}

    public record RunDetail(Summary summary, StatsView stats, Progress progress, List<Phase> phases,
                            double throughputPerMinute, List<String> badges, List<SegmentView> segments,
                            List<DeltaView> deltas, int deltasTotal, EvidenceLinks evidence, List<LogData> logs) {}

    public record EventsPage(String runId, String state, boolean terminal, List<Envelope> events, long lastEventId) {}

    public record ScheduleBacklog(String scheduleId, int runs, int pendingSegments, long pendingTargets) {}

    public record PlannerStatus(Double heartbeatAgeSeconds, Instant lastHeartbeatAt, int planningRuns) {}

    public record ExecutorStatus(long leasedSegments, long readySegments, long delayedSegments, int queuedRuns,
                                 int runningRuns) {}

    public record QueueView(List<QueueRow> queues, List<ScheduleBacklog> bySchedule, PlannerStatus planner,
                            ExecutorStatus executor) {}

    /**
     * A row of the {@code scheduled} tab: the next fire of an enabled schedule.
     *
     * @param nextFireLocal the same instant in the schedule's zone, with its offset
     * @param selector      a one-line summary of the schedule's selection ({@code by-namespace: payments, billing})
     */
    public record ScheduledRow(String scheduleId, String name, Instant nextFireAt, String nextFireLocal,
                               String cronExpression, String timezone, String mode, String selector) {}

    public record ScheduledRows(List<ScheduledRow> items, String nextCursor, String tab) {}
}
