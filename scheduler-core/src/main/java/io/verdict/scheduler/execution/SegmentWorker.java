package io.verdict.scheduler.execution;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.Notifier;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.retry.RetryDecision;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.retry.RetryWindows;
import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Executes one segment at a time: claim a lease, fence the segment to it, ask the scanner about each target,
 * record deltas (idempotent per run and image), then complete, retry or bury the segment. A worker that lost
 * its lease (paused JVM, network partition) finds out at its next fenced write and drops the segment
 * without acking: the new holder owns it.
 */
public final class SegmentWorker {
    private static final int PROGRESS_EVERY = 25;
    /** Deliveries beyond maxAttempts tolerated before a segment that never reports back is buried. */
    static final int POISON_MARGIN = 2;

    private final String workerId;
    private final SegmentQueue queue;
    private final SegmentStore segments;
    private final RunStore runs;
    private final DeltaStore deltas;
    private final VerdictStore verdicts;
    private final Scanner scanner;
    private final RunLifecycle lifecycle;
    private final Notifier notifier;
    private final RetryPolicy retryPolicy;
    private final Duration leaseTime;
    private final Clock clock;
    private final SchedulerMetrics metrics;
    private final Backpressure backpressure;
    private final Function<Run, Optional<RateLimiter>> rateLimits;
    private final int maxUnavailableRetries;

    public SegmentWorker(String workerId, SegmentQueue queue, SegmentStore segments, RunStore runs, DeltaStore deltas,
                         VerdictStore verdicts, Scanner scanner, RunLifecycle lifecycle, Notifier notifier,
                         RetryPolicy retryPolicy, Duration leaseTime, Clock clock, SchedulerMetrics metrics,
                         Backpressure backpressure, Function<Run, Optional<RateLimiter>> rateLimits) {
        this.workerId = workerId;
        this.queue = queue;
        this.segments = segments;
        this.runs = runs;
        this.deltas = deltas;
        this.verdicts = verdicts;
        this.scanner = scanner;
        this.lifecycle = lifecycle;
        this.notifier = notifier;
        this.retryPolicy = retryPolicy;
        this.leaseTime = leaseTime;
        this.clock = clock;
        this.metrics = metrics;
        this.backpressure = backpressure;
        this.rateLimits = rateLimits;
        this.maxUnavailableRetries = 6;
    }

    public String workerId() {
        return workerId;
    }

    /** Claims and executes one segment; returns false when nothing was ready. */
    public boolean runOnce() throws InterruptedException {
        Optional<Lease> claimed = queue.claim(workerId, leaseTime);
        if (claimed.isEmpty()) return false;
        execute(claimed.get());
        return true;
    }

    private static final class Cancelled extends RuntimeException {
        Cancelled() { super(null, null, false, false); }
    }

    void execute(Lease lease) throws InterruptedException {
        Optional<Segment> found = segments.find(lease.ref().runId(), lease.ref().index());
        Optional<Run> foundRun = runs.find(lease.ref().runId());
        if (found.isEmpty() || foundRun.isEmpty() || found.get().state().isTerminal()) {
            queue.ack(lease); // unknown or already finished: a duplicate delivery
            return;
        }
        Segment seg = found.get();
        Run run = foundRun.get();
        if (lease.deliveries() > retryPolicy.maxAttempts() + POISON_MARGIN) {
            // Delivered again and again without any holder reporting back: it crashes its workers. Bury it.
            try {
                seg = segments.update(take(seg, lease).running(clock.instant()));
            } catch (StaleLeaseException | ConcurrentUpdateException lost) {
                return;
            }
            fail(run, seg, lease, ErrorCode.ERR_RUN_006, "delivered " + lease.deliveries()
                    + " times without finishing (worker crashes?)", true);
            return;
        }
        try {
            seg = take(seg, lease);
            if (run.state().isTerminal()) {
                finishCancelled(seg, lease, run);
                return;
            }
            seg = segments.update(seg.running(clock.instant()));
            run = lifecycle.markRunning(run.id());
            if (run.state().isTerminal()) {
                finishCancelled(seg, lease, run);
                return;
            }
            lifecycle.segmentEvent(seg, run, workerId);
            Attempt attempt = new Attempt(seg, lease);
            SegmentOutcome outcome = evaluate(run, attempt);
            seg = segments.update(attempt.segment.completed(outcome, clock.instant()));
            queue.ack(attempt.lease);
            metrics.segment(run.mode(), "completed");
            lifecycle.segmentEvent(seg, run, workerId);
            lifecycle.maybeFinish(run.id());
        } catch (Cancelled c) {
            Segment cur = segments.find(seg.runId(), seg.index()).orElse(seg);
            finishCancelled(cur, lease, runs.find(run.id()).orElse(run));
        } catch (ScannerException e) {
            fail(run, segments.find(seg.runId(), seg.index()).orElse(seg), lease, e.code(), e.getMessage(), false);
        } catch (StaleLeaseException | ConcurrentUpdateException lost) {
            // Our lease was taken over; the new holder finishes the segment. Never ack: it is not ours.
        }
    }

    /** Moves the stored segment to LEASED under this lease's fencing token, releasing a crashed holder's claim. */
    private Segment take(Segment seg, Lease lease) {
        Instant now = clock.instant();
        if (seg.state() == SegmentState.LEASED || seg.state() == SegmentState.RUNNING
                || seg.state() == SegmentState.FAILED) {
            seg = segments.update(seg.released(now)); // the crashed holder's claim ends here
        }
        return segments.update(seg.leasedBy(workerId, lease.fencingToken(), lease.expiresAt(), now));
    }

    private void finishCancelled(Segment seg, Lease lease, Run run) {
        if (!seg.state().isTerminal()) {
            Segment done = segments.update(seg.cancelled(clock.instant()));
            metrics.segment(run.mode(), "cancelled");
            lifecycle.segmentEvent(done, run, workerId);
        }
        queue.ack(lease);
        lifecycle.maybeFinish(run.id());
    }

    private void fail(Run run, Segment seg, Lease lease, ErrorCode code, String message, boolean giveUp) {
        RunError error = new RunError(code, message);
        RetryDecision decision = giveUp ? new RetryDecision.GiveUp(seg.attempt())
                : RetryWindows.afterFailure(run.id(), seg.index(), Math.max(1, seg.attempt()), retryPolicy);
        Instant now = clock.instant();
        try {
            switch (decision) {
                case RetryDecision.RetryAfter r -> {
                    Instant at = now.plus(r.delay());
                    Segment s = segments.update(seg.retryAt(at, error, now));
                    queue.retryAt(lease, at);
                    metrics.segment(run.mode(), "retry");
                    lifecycle.segmentEvent(s, run, workerId);
                    lifecycle.log(run, "warn", "segment " + seg.index() + " attempt " + seg.attempt() + " failed ("
                            + code + ": " + message + "); retry at " + at);
                }
                case RetryDecision.GiveUp g -> {
                    Segment s = segments.update(seg.dead(error, now));
                    queue.deadLetter(lease, code + ": " + message);
                    metrics.segment(run.mode(), "dead");
                    lifecycle.segmentEvent(s, run, workerId);
                    lifecycle.log(run, "error", "segment " + seg.index() + " dead after " + g.attempts()
                            + " attempts (" + code + ": " + message + ")");
                    lifecycle.maybeFinish(run.id());
                }
            }
        } catch (StaleLeaseException | ConcurrentUpdateException lost) {
            // taken over meanwhile
        }
    }

    /** Mutable holder: renewing the lease changes both the lease and the stored segment. */
    private static final class Attempt {
        Segment segment;
        Lease lease;

        Attempt(Segment segment, Lease lease) {
            this.segment = segment;
            this.lease = lease;
        }
    }

    private SegmentOutcome evaluate(Run run, Attempt attempt) throws InterruptedException {
        SegmentOutcome outcome = SegmentOutcome.NONE;
        Optional<RateLimiter> limiter = rateLimits.apply(run);
        int done = 0;
        for (String digest : attempt.segment.digests()) {
            heartbeat(attempt);
            if (runs.find(run.id()).map(r -> r.state() == RunState.CANCELLED).orElse(true)) throw new Cancelled();
            Optional<DeltaSummary> recorded = deltas.find(run.id(), digest);
            if (recorded.isPresent()) {
                // A previous holder of this segment already evaluated the image: count it, do not redo it. Its
                // envelope is sent again in case that holder died before sending it (the key makes it idempotent).
                outcome = outcome.plusImage(recorded.get());
                notifier.publish(lifecycle.envelope(run, "scheduler.rescan.delta", digest, deltaPayload(recorded.get())));
            } else {
                ScanReport previous = verdicts.latest(run.tenantId(), digest).orElse(null);
                ScanReport report;
                try {
                    if (limiter.isPresent()) limiter.get().acquire();
                    report = scan(run, digest);
                } catch (ScannerException.Rejected rejected) {
                    outcome = outcome.plusFailure();
                    lifecycle.log(run, "warn", "scanner rejected " + digest + ": " + rejected.getMessage());
                    continue;
                }
                DeltaSummary delta = DeltaCalculator.compare(run.id(), run.tenantId(), previous, report,
                        "/api/v1/reports/" + report.reportId(), clock.instant());
                if (delta.isMeaningful() && deltas.record(delta)) {
                    lifecycle.events().append(run.tenantId(), run.id(), new RunEvent.DeltaReported(delta));
                    notifier.publish(lifecycle.envelope(run, "scheduler.rescan.delta", digest, deltaPayload(delta)));
                    metrics.delta(delta.severity().newCriticals(), delta.severity().newHigh(), delta.kevHits().size());
                }
                verdicts.save(run.tenantId(), report);
                metrics.image(run.mode(), delta.isMeaningful());
                outcome = outcome.plusImage(delta.isMeaningful() ? delta : null);
            }
            done++;
            if (done % PROGRESS_EVERY == 0 && done < attempt.segment.size()) {
                lifecycle.events().append(run.tenantId(), run.id(), new RunEvent.SegmentProgress(
                        attempt.segment.index(), SegmentState.RUNNING, attempt.segment.attempt(), done,
                        attempt.segment.size(), -1, run.deduped(), workerId));
            }
        }
        return outcome;
    }

    private ScanReport scan(Run run, String digest) throws InterruptedException {
        for (int tries = 0; ; tries++) {
            Duration pause = backpressure.pause();
            if (!pause.isZero()) Thread.sleep(pause.toMillis());
            try {
                ScanReport r = scanner.analyze(new ScanRequest(run.tenantId(), digest, run.mode(),
                        run.reason().policyRevision()));
                backpressure.onSuccess();
                return r;
            } catch (ScannerException.Unavailable busy) {
                backpressure.onUnavailable();
                if (tries >= maxUnavailableRetries) throw busy;
            }
        }
    }

    /** Renews the lease once half of it has elapsed; a renewal refused means we lost the segment. */
    private void heartbeat(Attempt attempt) {
        Instant now = clock.instant();
        if (now.isBefore(attempt.lease.expiresAt().minus(leaseTime.dividedBy(2)))) return;
        attempt.lease = queue.renew(attempt.lease, leaseTime);
        attempt.segment = segments.update(attempt.segment.renewed(attempt.lease.expiresAt(), now));
    }

    private static Map<String, Object> deltaPayload(DeltaSummary d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", d.runId());
        m.put("imageDigest", d.imageDigest());
        m.put("newFindings", d.newFindings());
        m.put("newCriticals", d.severity().newCriticals());
        m.put("newHigh", d.severity().newHigh());
        m.put("resolved", d.severity().resolved());
        m.put("quieted", d.severity().quieted());
        m.put("kevHits", d.kevHits());
        return m;
    }
}
