package io.verdict.scheduler.http.views;

import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.TopFinding;

import java.time.Instant;
import java.util.List;

/** Runs, stats, segments and deltas on the wire (SPEC §3 field names), mapped explicitly from the domain. */
public final class RunJson {
    private RunJson() {}

    public record StatsView(int candidates, int deduped, int queued, int completed, int failed, int deltas,
                            int newCriticals, int newHigh, int newMedium, int newLow, int resolved, int quieted,
                            int kevHits) {
        public static StatsView of(RunStats s) {
            return new StatsView(s.candidates(), s.deduped(), s.queued(), s.completed(), s.failed(), s.deltas(),
                    s.severity().newCriticals(), s.severity().newHigh(), s.severity().newMedium(), s.severity().newLow(), s.severity().resolved(), s.severity().quieted(), s.severity().kevHits());
        }
    }

    public record ReasonView(String manualReason, String concelierExportId, String excititorExportId, String cursor,
                             String impactWindowFrom, String impactWindowTo, String policyRevision,
                             String correlationId) {
        public static ReasonView of(RunReason r) {
            return r == null ? null : new ReasonView(r.manualReason(), r.concelierExportId(), r.excititorExportId(),
                    r.cursor(), r.impactWindowFrom(), r.impactWindowTo(), r.policyRevision(), r.correlationId());
        }
    }

    public record ErrorView(String code, String message) {
        public static ErrorView of(RunError e) {
            return e == null ? null : new ErrorView(e.code().name(), e.message());
        }
    }

    /** A run (SPEC §3). {@code deltas[]} is served by {@code /runs/{id}/deltas} and omitted here. */
    public record RunView(String id, String tenantId, String scheduleId, String trigger, String mode, String state,
                          StatsView stats, ReasonView reason, Instant createdAt, Instant startedAt,
                          Instant finishedAt, ErrorView error, String retryOf, String planDigest, int shardCount,
                          long version) {
        public static RunView of(Run r, RunStats stats) {
            return new RunView(r.id(), r.tenantId(), r.scheduleId(), r.trigger().wire(), r.mode().wire(),
                    r.state().wire(), StatsView.of(stats), ReasonView.of(r.reason()), r.createdAt(), r.startedAt(),
                    r.finishedAt(), ErrorView.of(r.error()), r.retryOf(), r.planDigest(), r.shardCount(), r.version());
        }
    }

    /** A segment without its digest list (which can be long): size and progress are what operators read. */
    public record SegmentView(String runId, int index, String state, int attempt, int size, int processed,
                              Instant nextAttemptAt, String leaseOwner, Instant leaseExpiresAt, long fencingToken,
                              ErrorView error, Instant updatedAt) {
        public static SegmentView of(Segment s) {
            return new SegmentView(s.runId(), s.index(), s.state().wire(), s.attempt(), s.size(), s.processed(),
                    s.nextAttemptAt(), s.leaseOwner(), s.leaseExpiresAt(), s.fencingToken(), ErrorView.of(s.error()),
                    s.updatedAt());
        }
    }

    public record TopFindingView(String purl, String vulnerabilityId, String severity, boolean kev) {
        public static TopFindingView of(TopFinding f) {
            return new TopFindingView(f.purl(), f.vulnerabilityId(), f.severity().wire(), f.kev());
        }
    }

    public record DeltaView(String imageDigest, int newFindings, int newCriticals, int newHigh, int newMedium,
                            int newLow, int resolved, int quieted, List<String> kevHits,
                            List<TopFindingView> topFindings, String reportUrl, Instant detectedAt) {
        public static DeltaView of(DeltaSummary d) {
            return new DeltaView(d.imageDigest(), d.newFindings(), d.severity().newCriticals(), d.severity().newHigh(), d.severity().newMedium(),
                    d.severity().newLow(), d.severity().resolved(), d.severity().quieted(), d.kevHits(),
                    d.topFindings().stream().map(TopFindingView::of).toList(), d.reportUrl(), d.detectedAt());
        }
    }

    public record PageView<T>(List<T> items, String nextCursor) {}
}
