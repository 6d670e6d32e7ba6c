package io.verdict.scheduler;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.execution.VerdictStore;
import io.verdict.scheduler.impact.ImageStore;
import io.verdict.scheduler.inmemory.InMemoryAdvisoryCatalogStore;
import io.verdict.scheduler.inmemory.InMemoryAuditLog;
import io.verdict.scheduler.inmemory.InMemoryCursorStore;
import io.verdict.scheduler.inmemory.InMemoryDeltaStore;
import io.verdict.scheduler.inmemory.InMemoryImageStore;
import io.verdict.scheduler.inmemory.InMemoryProgressStore;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.inmemory.InMemoryPolicyRunStore;
import io.verdict.scheduler.inmemory.InMemoryRunEventLog;
import io.verdict.scheduler.inmemory.InMemoryRunStore;
import io.verdict.scheduler.inmemory.InMemoryScheduleStore;
import io.verdict.scheduler.inmemory.InMemorySegmentStore;
import io.verdict.scheduler.inmemory.InMemoryVerdictStore;
import io.verdict.scheduler.intake.AdvisoryCatalogStore;
import io.verdict.scheduler.intake.CursorStore;
import io.verdict.scheduler.policy.PolicyRunStore;
import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.SegmentStore;
import io.verdict.scheduler.schedules.ScheduleStore;

import java.time.Clock;
import java.util.Objects;

/**
 * The storage ports a scheduler needs, one per capability, bundled for wiring. {@code progress} is the execution
 * read model (counters per run) and must live in the same store as the segments.
 */
public record Storage(RunStore runs, SegmentStore segments, DeltaStore deltas, VerdictStore verdicts,
                      ImageStore images, ScheduleStore schedules, CursorStore cursors, AuditLog audit,
                      RunEventLog events, ProgressStore progress, AdvisoryCatalogStore advisories,
                      PolicyRunStore policyRuns) {
    public Storage {
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(segments, "segments");
        Objects.requireNonNull(deltas, "deltas");
        Objects.requireNonNull(verdicts, "verdicts");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(cursors, "cursors");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(advisories, "advisories");
        Objects.requireNonNull(policyRuns, "policyRuns");
    }

    /** The same stores with another run event log (e.g. Redis streams for cross-instance live events). */
    public Storage withEvents(RunEventLog log) {
        return new Storage(runs, segments, deltas, verdicts, images, schedules, cursors, audit, log, progress, advisories,
                policyRuns);
    }

    /** The same stores with another audit log (e.g. one that also tells a listener of each record). */
    public Storage withAudit(AuditLog log) {
        return new Storage(runs, segments, deltas, verdicts, images, schedules, cursors, log, events, progress, advisories,
                policyRuns);
    }

    public static Storage inMemory(Clock clock) {
        return new Storage(new InMemoryRunStore(), new InMemorySegmentStore(), new InMemoryDeltaStore(),
                new InMemoryVerdictStore(), new InMemoryImageStore(clock), new InMemoryScheduleStore(),
                new InMemoryCursorStore(), new InMemoryAuditLog(), new InMemoryRunEventLog(clock),
                new InMemoryProgressStore(), new InMemoryAdvisoryCatalogStore(), new InMemoryPolicyRunStore());
    }
}
