package io.verdict.scheduler.usecases;

import io.verdict.scheduler.Storage;
import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.evidence.Signer;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.intake.AdvisoryCatalog;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.schedules.ScheduleService;

import java.time.Clock;

/** Every inbound use case of one scheduler, wired once over the same ports; adapters pick the one they need. */
public record UseCases(IngestEvent ingestEvent, StartManualRun startManualRun, PreviewImpact previewImpact,
                       CancelRun cancelRun, RetryRun retryRun, RetrySegment retrySegment,
                       RequestPolicyRun requestPolicyRun, IndexImage indexImage, RemoveImage removeImage,
                       SealEvidence sealEvidence, ScheduleService schedules, RunQueries queries,
                       QueryAudit queryAudit) {

    /** Ports and core services the use cases are built from. */
    public record Wiring(Storage storage, SegmentQueue queue, ImpactIndex index, Planner planner,
                         RunLifecycle lifecycle, ScheduleService schedules, AdvisoryCatalog catalog,
                         AuditTrail audit, RetryPolicy retryPolicy, Signer evidenceSigner, Clock clock,
                         double intakePerSecond, int intakeBurst) {}

    public static UseCases wire(Wiring w) {
        RunQueries queries = new RunQueries(w.storage(), w.queue(), w.lifecycle());
        OncePerKey once = new OncePerKey(w.storage().cursors(), w.lifecycle());
        return new UseCases(
                new IngestEvent(w.planner(), once, w.storage().cursors(), w.catalog(), w.audit(), w.clock(),
                        w.intakePerSecond(), w.intakeBurst()),
                new StartManualRun(w.planner(), w.schedules(), w.audit()),
                new PreviewImpact(w.planner(), w.index(), w.catalog(), w.clock()),
                new CancelRun(queries, w.lifecycle(), w.audit()),
                new RetryRun(queries, w.planner(), w.audit()),
                new RetrySegment(queries, w.storage().segments(), w.queue(), w.lifecycle(), w.retryPolicy(), w.audit(), w.clock()),
                new RequestPolicyRun(w.planner(), w.storage().policyRuns(), w.storage().images(), w.lifecycle(), queries,
                        w.audit(), w.clock()),
                new IndexImage(w.storage().images(), w.index(), w.audit()),
                new RemoveImage(w.storage().images(), w.index(), w.audit()),
                new SealEvidence(queries, w.evidenceSigner()),
                w.schedules(),
                queries,
                new QueryAudit(w.storage().audit()));
    }
}
