package io.verdict.scheduler.lifecycle;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.evidence.Dsse;
import io.verdict.scheduler.evidence.Signer;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.Notifier;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.progress.ProgressChange;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.progress.RunCounters;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.RunProgress;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;
import io.verdict.scheduler.tx.UnitOfWork;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The one place run states change and the one emitter of run and segment events: a version-checked write and the
 * outbound envelopes it causes in one {@link UnitOfWork}, then the console event and the metrics. Workers hand it their {@link SegmentResult}s and
 * batches; every segment write goes through {@link #moveSegment} so the read model ({@link ProgressStore}) counts
 * each transition once. Races (two workers finishing the last two segments at once) are settled by the version
 * check: the loser re-reads and finds the run already terminal.
 */
public final class RunLifecycle {
    /** DSSE payload type of signed completion events. */
    public static final String COMPLETION_PAYLOAD_TYPE = "application/vnd.verdict-scheduler.run-completion+json";

    private final RunStore runs;
    private final SegmentStore segments;
    private final SegmentQueue queue;
    private final RunEventLog events;
    private final Notifier notifier;
    private final SchedulerMetrics metrics;
    private final Clock clock;
    private final Signer signer;
    private final ProgressStore progress;
    private final UnitOfWork work;

    public RunLifecycle(RunStore runs, SegmentStore segments, ProgressStore progress, SegmentQueue queue,
                        RunEventLog events, Notifier notifier, SchedulerMetrics metrics, Clock clock) {
        this(runs, segments, progress, queue, events, notifier, metrics, clock, null, UnitOfWork.serial());
    }

    /**
     * @param signer signs completion events (DSSE over the canonical payload); null sends them unsigned
     * @param work   the unit of work of the storage {@code runs} and the outbox behind {@code notifier} live in
     */
    public RunLifecycle(RunStore runs, SegmentStore segments, ProgressStore progress, SegmentQueue queue,
                        RunEventLog events, Notifier notifier, SchedulerMetrics metrics, Clock clock, Signer signer,
                        UnitOfWork work) {
        this.work = java.util.Objects.requireNonNull(work, "work");
        this.signer = signer;
        this.progress = progress;
        this.runs = runs;
        this.segments = segments;
        this.queue = queue;
        this.events = events;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Writes the transition and the envelopes it causes (queued: {@code run.started}; terminal: completed or failed,
     * then {@code report.ready}) in one unit of work — the version-checked write first, so a lost race publishes
     * nothing — then updates the read model, the console's event log and the metrics.
     */
    public Run transition(Run run, RunState target, RunError error) {
        Run candidate = run.transition(target, clock.instant(), error);
        List<EventEnvelope> out = envelopesOf(candidate);
        Run next = work.inTransaction(() -> {
            Run stored = runs.update(candidate);
            if (!out.isEmpty()) notifier.publishAll(out);
            return stored;
        });
        progress.runState(next.id(), next.state());
        events.append(next.tenantId(), next.id(),
                new RunEvent.StateChanged(next.state(), next.error() == null ? null : next.error().code()));
        if (next.state().isTerminal()) {
            Duration d = Duration.between(next.createdAt(), next.finishedAt());
            metrics.runFinished(next.mode(), next.state().wire(), d, next.error() == null ? null : next.error().code());
        }
        return next;
    }

    private List<EventEnvelope> envelopesOf(Run run) {
        if (run.state() == RunState.QUEUED) return List.of(startedEnvelope(run));
        if (run.state().isTerminal()) return finishedEnvelopes(run);
        return List.of();
    }

    public void log(Run run, String level, String message) {
        events.append(run.tenantId(), run.id(), new RunEvent.Log(level, message, run.reason().correlationId()));
    }

    private EventEnvelope startedEnvelope(Run run) {
        return envelope(run, "scheduler.run.started", Map.of("runId", run.id(), "planDigest",
                run.planDigest(), "targets", run.deduped(), "trigger", run.trigger().wire(), "mode", run.mode().wire()));
    }

    private List<EventEnvelope> finishedEnvelopes(Run run) {
        RunStats stats = stats(run);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("runId", run.id());
        payload.put("state", run.state().wire());
        payload.put("planDigest", run.planDigest());
        payload.put("stats", stats.asMap());
        if (run.error() != null) payload.put("error", Map.of("code", run.error().code().name(), "message", run.error().message()));
        String kind = run.state() == RunState.COMPLETED ? "scheduler.run.completed" : "scheduler.run.failed";
        if (signer != null) {
            // Receivers verify the outcome offline: the signature covers the canonical payload without "dsse".
            payload.put("dsse", Dsse.sign(COMPLETION_PAYLOAD_TYPE, CanonicalJson.bytes(payload), signer));
        }
        List<EventEnvelope> out = new ArrayList<>(2);
        out.add(envelope(run, kind, payload));
        if (signer != null) {
            // Evidence is sealed when the run ends (the bundle is built from the terminal run, signed with this key).
            out.add(envelope(run, "scheduler.report.ready", Map.of("runId", run.id(), "state", run.state().wire(),
                    "planDigest", run.planDigest(), "evidence", "/console/runs/" + run.id() + "/evidence/bundle")));
        }
        return out;
    }

    public EventEnvelope envelope(Run run, String kind, Map<String, Object> payload) {
        return envelope(run, kind, null, payload);
    }

    /** An envelope whose idempotency key is (kind, run, subject): a re-delivered segment re-sends the same key. */
    public EventEnvelope envelope(Run run, String kind, String subject, Map<String, Object> payload) {
        String key = kind + ":" + run.id() + (subject == null ? "" : ":" + subject);
        return new EventEnvelope(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString(), kind, 1,
                run.tenantId(), clock.instant(), run.reason().correlationId(), key, payload);
    }

    /** Moves a queued run to running when its first segment starts (idempotent across workers). */
    public Run markRunning(String runId) {
        for (int i = 0; i < 5; i++) {
            Run run = runs.find(runId).orElseThrow();
            if (run.state() != RunState.QUEUED) return run;
            try {
                return transition(run, RunState.RUNNING, null);
            } catch (ConcurrentUpdateException lost) {
                // another worker moved it first; re-read
            }
        }
        return runs.find(runId).orElseThrow();
    }

    /**
     * Finishes the run when every segment is terminal: completed, or error when any segment is dead.
     * Called after each segment ends; cheap for the non-last segment.
     */
    public Optional<Run> maybeFinish(String runId) {
        for (int i = 0; i < 5; i++) {
            // The counters answer "segments left?" without reading them (or the run: this runs after every
            // segment); the segments are read once, at the end.
            Optional<RunCounters> counters = progress.find(runId);
            if (counters.isPresent() && counters.get().pendingSegments() > 0) return Optional.empty();
            Run run = runs.find(runId).orElseThrow();
            if (run.state().isTerminal()) return Optional.of(run);
            List<Segment> segs = segments.forRun(runId);
            if (segs.stream().anyMatch(s -> !s.state().isTerminal())) {
                progress.rebuild(run, segs); // the counters drifted (a crash between two writes): repair them
                return Optional.empty();
            }
            Optional<Segment> dead = segs.stream().filter(s -> s.state() == SegmentState.DEAD).findFirst();
            try {
                if (dead.isPresent()) {
                    RunError cause = dead.get().error();
                    String detail = cause == null ? "" : " (last error " + cause.code() + ": " + cause.message() + ")";
                    Run done = transition(run, RunState.ERROR, new RunError(ErrorCode.ERR_RUN_006,
                            "segment " + dead.get().index() + " exhausted its attempts" + detail));
                    log(done, "error", done.error().message());
                    return Optional.of(done);
                }
                Run done = transition(run, RunState.COMPLETED, null);
                log(done, "info", "run completed");
                return Optional.of(done);
            } catch (ConcurrentUpdateException lost) {
                // someone else finished or cancelled it; loop re-reads
            }
        }
        return Optional.empty();
    }

    /**
     * Cancels a non-terminal run: the run becomes cancelled at once, waiting segments are purged from the queue
     * and marked cancelled; a segment in a worker's hands is cancelled by that worker before its next target.
     */
    public Run cancel(String runId, String actor) {
        for (int i = 0; i < 5; i++) {
            Run run = runs.find(runId).orElseThrow();
            if (run.state().isTerminal()) return run;
            try {
                RunError err = run.state() == RunState.RUNNING
                        ? new RunError(ErrorCode.ERR_RUN_007, "cancelled by " + actor + " while running") : null;
                Run cancelled = transition(run, RunState.CANCELLED, err);
                log(cancelled, "warn", "run cancelled by " + actor);
                queue.purgeRun(runId);
                for (Segment s : segments.forRun(runId)) {
                    cancelWaiting(s, cancelled);
                }
                return cancelled;
            } catch (ConcurrentUpdateException lost) {
                // re-read and try again
            }
        }
        throw new ConcurrentUpdateException("run " + runId + " (cancel)");
    }

    private void cancelWaiting(Segment s, Run run) {
        Segment cur = s;
        for (int i = 0; i < 3 && (cur.state() == SegmentState.QUEUED || cur.state() == SegmentState.FAILED); i++) {
            try {
                Segment done = moveSegment(cur, cur.cancelled(clock.instant()));
                metrics.segment(run.mode(), "cancelled");
                segmentEvent(done, run, null);
                return;
            } catch (RuntimeException lost) {
                cur = segments.find(s.runId(), s.index()).orElse(cur);
            }
        }
    }

    // ---- segments: the read model, the worker's results and batches ----------------------------------------

    /** Opens the read model's counters of a freshly planned run (before its segments are enqueued). */
    public void planned(Run run, List<Segment> planned) {
        progress.planned(run, planned);
    }

    /**
     * Writes a segment transition (version-checked and fenced by the segment store) and, once it is won, applies
     * it to the run's counters. Every segment write that changes its state or outcome goes through here.
     */
    public Segment moveSegment(Segment from, Segment to) {
        // One commit for both (on a durable store each commit is an fsync, and this runs per segment transition);
        // also the counters can never miss a transition the segment store took.
        return work.inTransaction(() -> {
            Segment stored = segments.update(to);
            progress.apply(ProgressChange.between(from, stored));
            return stored;
        });
    }

    /** A run's stats from the read model; a run planned before the read model existed is derived (and rebuilt). */
    public RunStats stats(Run run) {
        Optional<RunCounters> c = progress.find(run.id());
        if (c.isPresent()) return c.get().stats(run);
        List<Segment> segs = segments.forRun(run.id());
        progress.rebuild(run, segs);
        return RunProgress.stats(run, segs);
    }

    /** Stats of a page of runs in one read-model query. */
    public Map<String, RunStats> stats(List<Run> page) {
        Map<String, RunCounters> found = progress.findAll(page.stream().map(Run::id).toList());
        Map<String, RunStats> out = new LinkedHashMap<>();
        for (Run r : page) {
            RunCounters c = found.get(r.id());
            out.put(r.id(), c != null ? c.stats(r) : stats(r));
        }
        return out;
    }

    /** Unfinished work per tenant, schedule and mode, from the read model. */
    public List<Backlog> backlog() {
        return progress.backlog();
    }

    /** A worker started evaluating a segment. */
    public void segmentStarted(Run run, Segment s, String workerId) {
        segmentEvent(s, run, workerId);
    }

    /** What one batch of a running segment produced, for {@link #batchEvaluated}. */
    public static final class Batch {
        /** Meaningful deltas computed in this batch (before recording). */
        public final List<DeltaSummary> fresh = new ArrayList<>();
        /** Those of {@link #fresh} this holder recorded first: reported as events exactly once. */
        public List<DeltaSummary> recorded = List.of();
        /** Deltas a previous holder already recorded: their envelopes are re-sent (idempotency key). */
        public final List<DeltaSummary> replayed = new ArrayList<>();
        /** Per image scanned in this batch: whether its delta was meaningful (for the images metric). */
        public final List<Boolean> evaluated = new ArrayList<>();
        public final List<String> warnings = new ArrayList<>();
        /** The delta envelopes {@link #recordDeltas} made, stored by {@link #publishDeltas} at the end of the unit. */
        List<EventEnvelope> outbound = List.of();
    }

    /**
     * Records a batch's fresh deltas ({@code record}: the delta store's bulk write, answering those recorded first)
     * and makes the batch's delta envelopes — of the deltas recorded now and of those a previous holder recorded,
     * re-sent under the same idempotency key — for {@link #publishDeltas}, which the caller runs last in the same
     * unit of work: a crash leaves both or neither (on stores without transactions, a re-delivered segment re-sends
     * the envelopes of recorded deltas). Sets {@link Batch#recorded}.
     */
    public List<DeltaSummary> recordDeltas(Run run, Batch b, UnaryOperator<List<DeltaSummary>> record) {
        b.recorded = b.fresh.isEmpty() ? List.of() : record.apply(b.fresh);
        List<EventEnvelope> out = new ArrayList<>(b.recorded.size() + b.replayed.size());
        for (DeltaSummary d : b.recorded) out.add(envelope(run, "scheduler.rescan.delta", d.imageDigest(), deltaPayload(d)));
        for (DeltaSummary d : b.replayed) out.add(envelope(run, "scheduler.rescan.delta", d.imageDigest(), deltaPayload(d)));
        b.outbound = out;
        return b.recorded;
    }

    /**
     * Stores the envelopes {@link #recordDeltas} made, with one outbox append. Last in the unit: an outbox that
     * numbers its entries in commit order (PostgreSQL) holds that order's lock from the append to the commit, so
     * appending last keeps the other workers' batches waiting for it as briefly as possible.
     */
    public void publishDeltas(Batch b) {
        if (!b.outbound.isEmpty()) notifier.publishAll(b.outbound);
        b.outbound = List.of();
    }

    /**
     * Reports a batch of a running segment: its in-flight progress to the read model (the answer carries the run's
     * state, so the worker sees a cancellation without reading the run), then one event-log append for the batch
     * (deltas, warnings, progress) and the metrics. Its delta envelopes were stored by {@link #recordDeltas}. Empty
     * when the attempt is no longer current (another holder took the segment over).
     */
    public Optional<RunCounters> batchEvaluated(Run run, Segment s, String workerId, int processedInSegment,
                                                SegmentOutcome soFar, Batch b) {
        Optional<RunCounters> after = progress.reportInFlight(run.id(), s.index(), s.fencingToken(), soFar);
        if (after.isEmpty()) return after;
        List<RunEvent> batch = new ArrayList<>(b.recorded.size() + b.warnings.size() + 1);
        for (DeltaSummary d : b.recorded) batch.add(new RunEvent.DeltaReported(d));
        for (String w : b.warnings) batch.add(new RunEvent.Log("warn", w, run.reason().correlationId()));
        if (processedInSegment < s.size()) {
            batch.add(new RunEvent.SegmentProgress(s.index(), SegmentState.RUNNING, s.attempt(), processedInSegment,
                    s.size(), after.get().stats(run).processed(), run.deduped(), workerId));
        }
        if (!batch.isEmpty()) events.appendAll(run.tenantId(), run.id(), batch);
        List<DeltaSummary> recorded = b.recorded;
        // Counted once the batch is stored: a unit of work that is rolled back and run again counts it once.
        work.afterCommit(() -> {
            for (DeltaSummary d : recorded) {
                metrics.delta(d.severity().newCriticals(), d.severity().newHigh(), d.kevHits().size());
            }
            for (Boolean meaningful : b.evaluated) metrics.image(run.mode(), meaningful);
        });
        return after;
    }

    /**
     * Completes a running segment — every target evaluated — and publishes its progress event. The worker calls
     * it inside the unit of work of the segment's last batch, so the batch's results and the completion are one
     * commit; {@link #segmentEnded} then only counts it and finishes the run after its last segment.
     */
    public Segment completeSegment(Run run, Segment running, SegmentOutcome outcome, String workerId) {
        Segment done = moveSegment(running, running.completed(outcome, clock.instant()));
        segmentEvent(done, run, workerId);
        return done;
    }

    /** Turns a worker's segment result into events, logs, metrics and, after the last segment, the run's end. */
    public void segmentEnded(SegmentResult result, String workerId) {
        switch (result) {
            case SegmentResult.Completed c -> {
                metrics.segment(c.run().mode(), "completed"); // its event went out with the completion (completeSegment)
                maybeFinish(c.run().id());
            }
            case SegmentResult.RetryScheduled r -> {
                Segment s = r.segment();
                metrics.segment(r.run().mode(), "retry");
                segmentEvent(s, r.run(), workerId);
                log(r.run(), "warn", "segment " + s.index() + " attempt " + s.attempt() + " failed ("
                        + r.error().code() + ": " + r.error().message() + "); retry at " + r.at());
            }
            case SegmentResult.Dead d -> {
                metrics.segment(d.run().mode(), "dead");
                segmentEvent(d.segment(), d.run(), workerId);
                log(d.run(), "error", "segment " + d.segment().index() + " dead after " + d.attempts()
                        + " attempts (" + d.error().code() + ": " + d.error().message() + ")");
                maybeFinish(d.run().id());
            }
            case SegmentResult.Cancelled c -> {
                if (c.cancelledNow()) {
                    metrics.segment(c.run().mode(), "cancelled");
                    segmentEvent(c.segment(), c.run(), workerId);
                }
                maybeFinish(c.run().id());
            }
            case SegmentResult.Deferred d -> { /* given back untouched: nothing happened to tell anyone */ }
            case SegmentResult.StaleLease s -> { /* the new holder reports */ }
            case SegmentResult.Duplicate dup -> { /* already reported when it ended */ }
        }
    }

    /**
     * Repairs drifted counters and finishes runs whose last segment ended while its writer crashed: for each
     * unfinished run, re-derive the counters from its segments when they disagree. Called rarely (idle
     * housekeeping), never per request.
     */
    public int reconcile() {
        int repaired = 0;
        for (Run r : runs.active()) {
            RunCounters want = RunCounters.derive(r, segments.forRun(r.id()));
            if (matches(progress.find(r.id()), want)) {
                // Counters right, but the last segment's writer may have died before finishing the run.
                if (r.state() != RunState.PLANNING && want.pendingSegments() == 0) maybeFinish(r.id());
                continue;
            }
            // A worker's transition may have landed between the two reads: confirm before repairing.
            Run again = runs.find(r.id()).orElse(r);
            List<Segment> segs = segments.forRun(r.id());
            if (matches(progress.find(r.id()), RunCounters.derive(again, segs))) continue;
            progress.rebuild(again, segs);
            repaired++;
            // The run may have ended meanwhile: the rebuilt counters must not keep it in the backlog.
            Run now = runs.find(r.id()).orElse(again);
            if (now.state() != again.state()) progress.runState(now.id(), now.state());
            if (now.state() != RunState.PLANNING && !now.state().isTerminal()
                    && segs.stream().allMatch(x -> x.state().isTerminal())) {
                maybeFinish(now.id());
            }
        }
        return repaired;
    }

    private static boolean matches(Optional<RunCounters> have, RunCounters want) {
        return have.isPresent() && have.get().pendingSegments() == want.pendingSegments()
                && have.get().pendingTargets() == want.pendingTargets()
                && have.get().cancelledTargets() == want.cancelledTargets()
                && have.get().done().equals(want.done()) && have.get().state() == want.state();
    }

    private static Map<String, Object> deltaPayload(DeltaSummary d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", d.runId());
        m.put("imageDigest", d.imageDigest());
        m.put("newFindings", d.newFindings());
        m.put("newCriticals", d.severity().newCriticals());
        m.put("newHigh", d.severity().newHigh());
        m.put("newMedium", d.severity().newMedium());
        m.put("newLow", d.severity().newLow());
        m.put("resolved", d.severity().resolved());
        m.put("quieted", d.severity().quieted());
        m.put("kevHits", d.kevHits());
        return m;
    }

    /** Publishes a segment's progress with the run's totals after it (from the read model, not the segments). */
    public void segmentEvent(Segment s, Run run, String workerId) {
        int runProcessed = stats(run).processed();
        events.append(run.tenantId(), run.id(), new RunEvent.SegmentProgress(s.index(), s.state(), s.attempt(),
                s.processed(), s.size(), runProcessed, run.deduped(), workerId));
    }

    public RunEventLog events() {
        return events;
    }
}
