package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.http.views.RunJson.TopFindingView;
import io.verdict.scheduler.runs.DeltaSummary;

import java.time.Instant;
import java.util.List;

/**
 * Run events as the console sees them: the SSE {@code event:} name ({@code stateChanged},
 * {@code segmentProgress}, {@code deltaSummary}, {@code log}), the {@code id:} (the run event sequence number)
 * and the JSON {@code data:}. The polling fallback returns the same three parts.
 */
public final class EventJson {
    private EventJson() {}

    public record StateChangedData(String runId, String state, String errorCode, Instant occurredAt) {}

    public record SegmentProgressData(String runId, int index, String state, int attempt, int processed, int total,
                                      int runProcessed, int runTotal, double percent, String workerId,
                                      Instant occurredAt) {}

    public record DeltaSummaryData(String runId, String imageDigest, int newFindings, int newCriticals, int newHigh,
                                   int newMedium, int newLow, int resolved, int quieted, List<String> kevHits,
                                   List<TopFindingView> topFindings, String reportUrl, Instant detectedAt,
                                   Instant occurredAt) {}

    public record LogData(String runId, String level, String message, String correlationId, Instant occurredAt) {}

    /** One event for the polling endpoint: {@code id}, {@code event} name and {@code data}. */
    public record Envelope(long id, String event, Object data) {}

    public static Object data(RunEventRecord r) {
        return switch (r.event()) {
            case RunEvent.StateChanged s -> new StateChangedData(r.runId(), s.state().wire(),
                    s.errorCode() == null ? null : s.errorCode().name(), r.occurredAt());
            case RunEvent.SegmentProgress p -> new SegmentProgressData(r.runId(), p.index(), p.state().wire(),
                    p.attempt(), p.processed(), p.total(), p.runProcessed(), p.runTotal(),
                    percent(p.runProcessed(), p.runTotal()),
                    p.workerId(), r.occurredAt());
            case RunEvent.DeltaReported d -> delta(r.runId(), d.delta(), r.occurredAt());
            case RunEvent.Log l -> new LogData(r.runId(), l.level(), l.message(), l.correlationId(), r.occurredAt());
        };
    }

    private static DeltaSummaryData delta(String runId, DeltaSummary d, Instant at) {
        return new DeltaSummaryData(runId, d.imageDigest(), d.newFindings(), d.severity().newCriticals(), d.severity().newHigh(),
                d.severity().newMedium(), d.severity().newLow(), d.severity().resolved(), d.severity().quieted(), d.kevHits(),
                d.topFindings().stream().map(TopFindingView::of).toList(), d.reportUrl(), d.detectedAt(), at);
    }

    /** Share of the run's targets evaluated, 0..100 whatever an old stored event says. */
    static double percent(int processed, int total) {
        if (total <= 0) return 100.0;
        return Math.round(1000.0 * Math.max(0, Math.min(processed, total)) / total) / 10.0;
    }

    public static Envelope envelope(RunEventRecord r) {
        return new Envelope(r.seq(), r.event().kind(), data(r));
    }
}
