package io.verdict.scheduler.execution;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.lifecycle.SegmentResult;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.progress.RunCounters;
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
import io.verdict.scheduler.tx.UnitOfWork;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Executes one segment at a time: claim a lease, fence the segment to it, evaluate its targets in small batches,
 * then complete, retry or bury the segment, and hand the {@link SegmentResult} to {@link RunLifecycle}, which
 * emits every event. A batch costs a handful of store round trips whatever its size: one read of recorded
 * deltas, one of previous verdicts, one bulk write of each, one in-flight progress report that also tells the
 * worker whether the run was cancelled (the run itself is read once per segment, not per target). Writes are
 * grouped in units of work — taking and starting the segment is one, each batch's results another (the last batch
 * together with the segment's completion) — so on a durable store a segment costs a few commits, not one per
 * write. Queue calls stay outside the units: a queue on another system (Redis, NATS) cannot be rolled back with
 * the store, so a message is settled only after the store says what happened to its segment. A worker that
 * lost its lease (paused JVM, network partition) finds out at its next fenced write and drops the segment without
 * acking: the new holder owns it.
 */
public final class SegmentWorker {
    /**
     * Targets per batch: progress, events and store writes advance once per batch. A batch costs the same handful
     * of store round trips (each a commit, an fsync on a durable store) whatever its size, so with a fast scanner
     * the batch size sets the throughput: at 25, PostgreSQL spent most of a 100k-target run waiting on commits.
     * 100 is the default segment size; a slow scanner still reports every {@link #FLUSH_EVERY}.
     */
    static final int BATCH = 100;
    /** A slow batch (rate limit, slow scanner) still reports progress at least this often. */
    static final Duration FLUSH_EVERY = Duration.ofMillis(500);
    /** Deliveries beyond maxAttempts tolerated before a segment that never reports back is buried. */
    static final int POISON_MARGIN = 2;
    /** How long a segment given back for {@code limits.parallelism} waits before it is claimable again. */
    static final Duration DEFER = Duration.ofMillis(100);

    private final String workerId;
    private final SegmentQueue queue;
    private final SegmentStore segments;
    private final RunStore runs;
    private final DeltaStore deltas;
    private final VerdictStore verdicts;
    private final ProgressStore progress;
    private final Scanner scanner;
    private final RunLifecycle lifecycle;
    private final RetryPolicy retryPolicy;
    private final Duration leaseTime;
    private final Clock clock;
    private final Backpressure backpressure;
    private final Function<Run, RunLimits> limits;
    private final int maxUnavailableRetries;
    private final UnitOfWork work;
    /** The lease of the segment the last {@link #runOnce} completed, acked by the next claim. */
    private Lease completedLease;

    public SegmentWorker(String workerId, SegmentQueue queue, SegmentStore segments, RunStore runs, DeltaStore deltas,
                         VerdictStore verdicts, ProgressStore progress, Scanner scanner, RunLifecycle lifecycle,
                         RetryPolicy retryPolicy, Duration leaseTime, Clock clock, Backpressure backpressure,
                         Function<Run, RunLimits> limits, UnitOfWork work) {
        this.work = java.util.Objects.requireNonNull(work, "work");
        this.workerId = workerId;
        this.queue = queue;
        this.segments = segments;
        this.runs = runs;
        this.deltas = deltas;
        this.verdicts = verdicts;
        this.progress = progress;
        this.scanner = scanner;
        this.lifecycle = lifecycle;
        this.retryPolicy = retryPolicy;
        this.leaseTime = leaseTime;
        this.clock = clock;
        this.backpressure = backpressure;
        this.limits = limits;
        this.maxUnavailableRetries = 6;
    }

    public String workerId() {
        return workerId;
    }

    /**
     * Claims and executes one segment; returns false when nothing was ready. The message of a segment completed
     * by the previous call is acked together with this claim ({@link SegmentQueue#ackThenClaim}); its segment is
     * already stored as completed, so a crash before that ack only makes the message come back as a duplicate.
     */
    public boolean runOnce() throws InterruptedException {
        Lease done = completedLease;
        completedLease = null;
        // The claim, the reads and (usually) the start in one unit: one commit on a store-backed queue. A queue
        // elsewhere claims at once; if the unit then fails, that lease expires and the segment is delivered again.
        Claim claim = work.inTransaction(() -> {
            Optional<Lease> claimed = done == null ? queue.claim(workerId, leaseTime)
                    : queue.ackThenClaim(done, workerId, leaseTime);
            if (claimed.isEmpty()) return null;
            Lease lease = claimed.get();
            Found found = new Found(segments.find(lease.ref().runId(), lease.ref().index()),
                    runs.find(lease.ref().runId()));
            return new Claim(lease, found, startAtOnce(lease, found));
        });
        if (claim == null) return false;
        lifecycle.segmentEnded(execute(claim), workerId);
        return true;
    }

    private record Found(Optional<Segment> segment, Optional<Run> run) {}

    /** A claimed message, what the store holds for it, and the segment started when the common case applied. */
    private record Claim(Lease lease, Found found, Started started) {}

    private record Started(Segment segment, Run run, RunLimits limits) {}

    /**
     * Starts the segment in the claim's unit when nothing needs a decision: a fresh segment of a running run,
     * not poisoned, without a parallelism limit. Null otherwise, or when the fenced write lost a race (nothing is
     * written then), and {@link #execute} takes the general path.
     */
    private Started startAtOnce(Lease lease, Found found) {
        if (found.segment().isEmpty() || found.run().isEmpty()) return null;
        Segment seg = found.segment().get();
        Run run = found.run().get();
        if (seg.state() != SegmentState.QUEUED || run.state() != RunState.RUNNING) return null;
        if (lease.deliveries() > retryPolicy.maxAttempts() + POISON_MARGIN) return null;
        RunLimits runLimits = limits.apply(run);
        if (runLimits.effectiveParallelism() != null) return null;
        Instant now = clock.instant();
        Segment taken;
        try {
            taken = lifecycle.moveSegment(seg, seg.leasedBy(workerId, lease.fencingToken(), lease.expiresAt(), now));
        } catch (StaleLeaseException | ConcurrentUpdateException lost) {
            return null;
        }
        Segment running = lifecycle.moveSegment(taken, taken.running(now));
        lifecycle.segmentStarted(run, running, workerId);
        return new Started(running, run, runLimits);
    }

    /** Acks the message of the last completed segment if the next claim has not (a worker that stops). */
    public void settle() {
        Lease done = completedLease;
        completedLease = null;
        if (done != null) queue.ack(done);
    }

    private SegmentResult execute(Claim claim) throws InterruptedException {
        Lease lease = claim.lease();
        if (claim.started() != null) {
            try {
                return evaluateStarted(claim.started().segment(), claim.started().run(), lease, claim.started().limits());
            } catch (StaleLeaseException | ConcurrentUpdateException lost) {
                return new SegmentResult.StaleLease(lease.ref());
            }
        }
        Optional<Segment> found = claim.found().segment();
        Optional<Run> foundRun = claim.found().run();
        if (found.isEmpty() || foundRun.isEmpty() || found.get().state().isTerminal()) {
            queue.ack(lease); // unknown or already finished: a duplicate delivery
            return new SegmentResult.Duplicate(lease.ref());
        }
        Segment seg = found.get();
        Run run = foundRun.get();
        if (lease.deliveries() > retryPolicy.maxAttempts() + POISON_MARGIN) {
            // Delivered again and again without any holder reporting back: it crashes its workers. Bury it.
            try {
                seg = lifecycle.moveSegment(seg, take(seg, lease).running(clock.instant()));
            } catch (StaleLeaseException | ConcurrentUpdateException lost) {
                return new SegmentResult.StaleLease(lease.ref());
            }
            return fail(run, seg, lease, ErrorCode.ERR_RUN_006, "delivered " + lease.deliveries()
                    + " times without finishing (worker crashes?)", true);
        }
        try {
            RunLimits runLimits = limits.apply(run);
            Start start = start(seg, run, lease, runLimits);
            switch (start) {
                case Start.Cancelled c -> {
                    queue.ack(lease);
                    return c.result();
                }
                case Start.Deferred d -> {
                    queue.release(lease, d.result().at());
                    return d.result();
                }
                case Start.Running r -> {
                    return evaluateStarted(r.segment(), r.run(), lease, runLimits);
                }
            }
        } catch (StaleLeaseException | ConcurrentUpdateException lost) {
            // Our lease was taken over; the new holder finishes the segment. Never ack: it is not ours.
            return new SegmentResult.StaleLease(lease.ref());
        }
    }

    /** Evaluates a started segment and settles it: completed (acked with the next claim), cancelled or failed. */
    private SegmentResult evaluateStarted(Segment seg, Run run, Lease lease, RunLimits runLimits)
            throws InterruptedException {
        Attempt attempt = new Attempt(seg, lease);
        Evaluation result;
        try {
            result = evaluate(run, attempt, runLimits);
        } catch (ScannerException e) {
            return fail(run, attempt.segment, attempt.lease, e.code(), e.getMessage(), false);
        }
        if (result.cancelled()) {
            // Keep what was evaluated: the targets left over are the cancelled ones.
            Segment cut = lifecycle.moveSegment(attempt.segment,
                    attempt.segment.cancelled(result.outcome(), clock.instant()));
            queue.ack(attempt.lease);
            return new SegmentResult.Cancelled(runs.find(run.id()).orElse(run), cut, true);
        }
        completedLease = attempt.lease; // the last batch's unit completed the segment; acked with the next claim
        return new SegmentResult.Completed(run, attempt.segment);
    }

    /** How taking a segment ended: running (go on evaluating), or settled at once; the queue call comes after. */
    private sealed interface Start {
        record Running(Segment segment, Run run) implements Start {}

        /** The run ended before the segment started: ack the message. */
        record Cancelled(SegmentResult.Cancelled result) implements Start {}

        /** Over the run's parallelism: give the message back until {@code result.at()}. */
        record Deferred(SegmentResult.Deferred result) implements Start {}
    }

    /**
     * Takes the segment under this lease and starts it — the fenced writes and the started event — in one unit of
     * work (one commit on a durable store instead of three). A queued run is moved to running first, in a unit of
     * its own: on a store without transactions a run write is held to the end of its block, and a lost race to
     * start the run must be settled by {@link RunLifecycle#markRunning}'s re-read, not fail the whole start.
     */
    private Start start(Segment found, Run read, Lease lease, RunLimits runLimits) {
        Run run = read.state() == RunState.QUEUED ? lifecycle.markRunning(read.id()) : read;
        return work.inTransaction(() -> {
            Segment seg = take(found, lease);
            if (run.state().isTerminal()) return new Start.Cancelled(cancelBeforeStart(seg, run));
            Optional<SegmentResult.Deferred> deferred = overParallelism(run, seg, runLimits);
            if (deferred.isPresent()) return new Start.Deferred(deferred.get());
            seg = lifecycle.moveSegment(seg, seg.running(clock.instant()));
            lifecycle.segmentStarted(run, seg, workerId);
            return new Start.Running(seg, run);
        });
    }

    /**
     * Enforces {@code limits.parallelism}: our own claim is already counted (the segment is leased), so more than
     * the limit in flight means we give the segment back, untouched, for a little while.
     */
    private Optional<SegmentResult.Deferred> overParallelism(Run run, Segment leased, RunLimits runLimits) {
        Integer limit = runLimits.effectiveParallelism();
        if (limit == null) return Optional.empty();
        int inFlight = progress.find(run.id()).map(RunCounters::inFlightSegments).orElse(0);
        if (inFlight <= limit) return Optional.empty();
        Instant at = clock.instant().plus(DEFER);
        Segment back = lifecycle.moveSegment(leased, leased.released(clock.instant()));
        return Optional.of(new SegmentResult.Deferred(run, back, at, inFlight - 1 + " of " + limit
                + " segments already in flight"));
    }

    /** Moves the stored segment to LEASED under this lease's fencing token, releasing a crashed holder's claim. */
    private Segment take(Segment seg, Lease lease) {
        Instant now = clock.instant();
        if (seg.state() == SegmentState.LEASED || seg.state() == SegmentState.RUNNING
                || seg.state() == SegmentState.FAILED) {
            seg = lifecycle.moveSegment(seg, seg.released(now)); // the crashed holder's claim ends here
        }
        return lifecycle.moveSegment(seg, seg.leasedBy(workerId, lease.fencingToken(), lease.expiresAt(), now));
    }

    private SegmentResult.Cancelled cancelBeforeStart(Segment seg, Run run) {
        Segment done = seg;
        boolean now = false;
        if (!seg.state().isTerminal()) {
            done = lifecycle.moveSegment(seg, seg.cancelled(clock.instant()));
            now = true;
        }
        return new SegmentResult.Cancelled(run, done, now);
    }

    private SegmentResult fail(Run run, Segment seg, Lease lease, ErrorCode code, String message, boolean giveUp) {
        RunError error = new RunError(code, message);
        RetryDecision decision = giveUp ? new RetryDecision.GiveUp(seg.attempt())
                : RetryWindows.afterFailure(run.id(), seg.index(), Math.max(1, seg.attempt()), retryPolicy);
        Instant now = clock.instant();
        try {
            return switch (decision) {
                case RetryDecision.RetryAfter r -> {
                    Instant at = now.plus(r.delay());
                    Segment s = lifecycle.moveSegment(seg, seg.retryAt(at, error, now));
                    queue.retryAt(lease, at);
                    yield new SegmentResult.RetryScheduled(run, s, at, error);
                }
                case RetryDecision.GiveUp g -> {
                    Segment s = lifecycle.moveSegment(seg, seg.dead(error, now));
                    queue.deadLetter(lease, code + ": " + message);
                    yield new SegmentResult.Dead(run, s, error, g.attempts());
                }
            };
        } catch (StaleLeaseException | ConcurrentUpdateException lost) {
            return new SegmentResult.StaleLease(lease.ref()); // taken over meanwhile
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

    /** What the targets loop ended with: the outcome so far, and whether it stopped because the run was cancelled. */
    private record Evaluation(SegmentOutcome outcome, boolean cancelled) {}

    private Evaluation evaluate(Run run, Attempt attempt, RunLimits runLimits) throws InterruptedException {
        SegmentOutcome outcome = SegmentOutcome.NONE;
        Optional<RateLimiter> limiter = runLimits.rateLimiter();
        List<String> digests = attempt.segment.digests();
        int done = 0;
        for (int from = 0; from < digests.size(); ) {
            heartbeat(attempt);
            List<String> batch = digests.subList(from, Math.min(digests.size(), from + BATCH));
            // The batch's recorded deltas and previous verdicts: two reads in one unit (one store round trip).
            List<String> toScan = new ArrayList<>(batch.size());
            Map<String, DeltaSummary> recorded = new java.util.HashMap<>();
            Map<String, ScanReport> previous = work.inTransaction(() -> {
                recorded.putAll(deltas.findAll(run.id(), batch));
                for (String d : batch) if (!recorded.containsKey(d)) toScan.add(d);
                return toScan.isEmpty() ? Map.<String, ScanReport>of() : verdicts.latestAll(run.tenantId(), toScan);
            });

            RunLifecycle.Batch b = new RunLifecycle.Batch();
            List<ScanReport> reports = new ArrayList<>(toScan.size());
            long started = System.nanoTime();
            ScannerException failure = null;
            int taken = 0;
            for (String digest : batch) {
                DeltaSummary already = recorded.get(digest);
                if (already != null) {
                    // A previous holder of this segment already evaluated the image: count it, do not redo it. Its
                    // envelope is sent again in case that holder died before sending it (the key makes it idempotent).
                    outcome = outcome.plusImage(already);
                    b.replayed.add(already);
                } else {
                    ScanReport report;
                    try {
                        if (limiter.isPresent()) limiter.get().acquire();
                        report = scan(run, digest);
                    } catch (ScannerException.Rejected rejected) {
                        outcome = outcome.plusFailure();
                        b.warnings.add("scanner rejected " + digest + ": " + rejected.getMessage());
                        taken++;
                        continue;
                    } catch (ScannerException e) {
                        failure = e; // persist what this batch already did, then fail the attempt
                        break;
                    }
                    DeltaSummary delta = DeltaCalculator.compare(run.id(), run.tenantId(), previous.get(digest), report,
                            "/api/v1/reports/" + report.reportId(), clock.instant());
                    if (delta.isMeaningful()) b.fresh.add(delta);
                    reports.add(report);
                    b.evaluated.add(delta.isMeaningful());
                    outcome = outcome.plusImage(delta.isMeaningful() ? delta : null);
                }
                taken++;
                if (Duration.ofNanos(System.nanoTime() - started).compareTo(FLUSH_EVERY) >= 0) break;
            }
            done += taken;
            from += taken;
            boolean completes = failure == null && from >= digests.size();
            int processed = done;
            SegmentOutcome soFar = outcome;
            // One unit for the batch: deltas with their envelopes, verdicts, progress and its events, and — for
            // the last batch — the segment's completion with its event.
            Optional<RunCounters> after = work.inTransaction(() -> {
                lifecycle.recordDeltas(run, b, deltas::recordAll);
                if (!reports.isEmpty()) verdicts.saveAll(run.tenantId(), reports);
                Optional<RunCounters> counters = lifecycle.batchEvaluated(run, attempt.segment, workerId, processed,
                        soFar, b);
                if (completes && counters.isPresent()) {
                    attempt.segment = lifecycle.completeSegment(run, attempt.segment, soFar, workerId);
                }
                lifecycle.publishDeltas(b); // last: see publishDeltas
                return counters;
            });
            if (failure != null) throw failure;
            if (after.isEmpty()) {
                throw new StaleLeaseException(attempt.segment.key(), attempt.lease.fencingToken(),
                        attempt.lease.fencingToken() + 1);
            }
            if (after.get().state() == RunState.CANCELLED && from < digests.size()) {
                return new Evaluation(outcome, true);
            }
        }
        return new Evaluation(outcome, false);
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
}
