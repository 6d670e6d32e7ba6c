package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.schedules.Caller;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Retrying a run that has ended: plans a new run linked by {@code retryOf}. By default ({@link Scope#FAILED}) only
 * the failed targets are planned again — the digests of every segment that did not complete, and of completed
 * segments that recorded a failed target (the store keeps outcomes per segment, not per target, so a partly failed
 * segment is retried whole); {@link Scope#ALL} plans every target of the old run.
 */
public final class RetryRun {
    public enum Scope {
        FAILED, ALL;

        public String wire() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record Command(Caller caller, String runId, Scope scope) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(runId, "runId");
            scope = scope == null ? Scope.FAILED : scope;
        }
    }

    public sealed interface Result {
        record Retried(PlannedRun planned, int targets) implements Result {}

        /** Only ended runs can be retried; this one is still {@code state}. */
        record RunNotEnded(String runId, RunState state) implements Result {}

        /** {@code scope: failed} and no target failed. */
        record NothingFailed(String runId) implements Result {}
    }

    private final RunQueries queries;
    private final Planner planner;
    private final AuditTrail audit;

    RetryRun(RunQueries queries, Planner planner, AuditTrail audit) {
        this.queries = queries;
        this.planner = planner;
        this.audit = audit;
    }

    public Result execute(Command c) {
        String tenant = c.caller().tenantId();
        Run old = queries.run(tenant, c.runId());
        if (!old.state().isTerminal()) return new Result.RunNotEnded(old.id(), old.state());
        TreeSet<String> digests = new TreeSet<>();
        for (Segment s : queries.segments(old)) {
            boolean failed = s.state() != SegmentState.COMPLETED || s.outcome().failed() > 0;
            if (c.scope() == Scope.ALL || failed) digests.addAll(s.digests());
        }
        if (digests.isEmpty() && c.scope() == Scope.FAILED) return new Result.NothingFailed(old.id());
        Selector selector = new Selector(Selector.Scope.BY_DIGEST, tenant, null, null, List.copyOf(digests), null, null, false);
        RunReason reason = new RunReason("retry of " + old.id(), null, null, null, null, null,
                old.reason().policyRevision(), c.caller().correlationId());
        PlannedRun planned = planner.plan(PlanRequest.sweep(tenant, old.trigger(), old.mode(), selector, reason,
                old.scheduleId()).withRetryOf(old.id()));
        audit.record(tenant, c.caller().actor(), "run.retry", old.id(), planned.run().reason().correlationId(),
                Map.of("scope", c.scope().wire(), "runid", planned.run().id()));
        return new Result.Retried(planned, digests.size());
    }
}
