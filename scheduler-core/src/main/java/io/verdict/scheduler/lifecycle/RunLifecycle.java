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
import io.verdict.scheduler.runs.RunProgress;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one place run states change: a version-checked write, then the console event, the outbound envelope and
 * the metrics. Races (two workers finishing the last two segments at once) are settled by the version check:
 * the loser re-reads and finds the run already terminal.
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

    public RunLifecycle(RunStore runs, SegmentStore segments, SegmentQueue queue, RunEventLog events,
                        Notifier notifier, SchedulerMetrics metrics, Clock clock) {
        this(runs, segments, queue, events, notifier, metrics, clock, null);
    }

    /** @param signer signs completion events (DSSE over the canonical payload); null sends them unsigned */
    public RunLifecycle(RunStore runs, SegmentStore segments, SegmentQueue queue, RunEventLog events,
                        Notifier notifier, SchedulerMetrics metrics, Clock clock, Signer signer) {
        this.signer = signer;
        this.runs = runs;
        this.segments = segments;
        this.queue = queue;
        this.events = events;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Run transition(Run run, RunState target, RunError error) {
        Run next = runs.update(run.transition(target, clock.instant(), error));
        events.append(next.tenantId(), next.id(),
                new RunEvent.StateChanged(next.state(), next.error() == null ? null : next.error().code()));
        if (next.state().isTerminal()) finished(next);
        return next;
    }

    public void log(Run run, String level, String message) {
        events.append(run.tenantId(), run.id(), new RunEvent.Log(level, message, run.reason().correlationId()));
    }

    public void started(Run run) {
        notifier.publish(envelope(run, "scheduler.run.started", Map.of("runId", run.id(), "planDigest",
                run.planDigest(), "targets", run.deduped(), "trigger", run.trigger().wire(), "mode", run.mode().wire())));
    }

    private void finished(Run run) {
        Duration d = Duration.between(run.createdAt(), run.finishedAt());
        metrics.runFinished(run.mode(), run.state().wire(), d, run.error() == null ? null : run.error().code());
        RunStats stats = RunProgress.stats(run, segments.forRun(run.id()));
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
        notifier.publish(envelope(run, kind, payload));
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
            Run run = runs.find(runId).orElseThrow();
            if (run.state().isTerminal()) return Optional.of(run);
            List<Segment> segs = segments.forRun(runId);
            if (segs.stream().anyMatch(s -> !s.state().isTerminal())) return Optional.empty();
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
                    cancelWaiting(s);
                }
                return cancelled;
            } catch (ConcurrentUpdateException lost) {
                // re-read and try again
            }
        }
        throw new ConcurrentUpdateException("run " + runId + " (cancel)");
    }

    private void cancelWaiting(Segment s) {
        Segment cur = s;
        for (int i = 0; i < 3 && (cur.state() == SegmentState.QUEUED || cur.state() == SegmentState.FAILED); i++) {
            try {
                Segment done = segments.update(cur.cancelled(clock.instant()));
                segmentEvent(done, runs.find(done.runId()).orElseThrow(), null);
                return;
            } catch (RuntimeException lost) {
                cur = segments.find(s.runId(), s.index()).orElse(cur);
            }
        }
    }

    /** Publishes a segment's progress with the run's totals after it. */
    public void segmentEvent(Segment s, Run run, String workerId) {
        RunStats stats = RunProgress.stats(run, segments.forRun(run.id()));
        events.append(run.tenantId(), run.id(), new RunEvent.SegmentProgress(s.index(), s.state(), s.attempt(),
                s.processed(), s.size(), stats.processed(), run.deduped(), workerId));
    }

    public RunEventLog events() {
        return events;
    }
}
