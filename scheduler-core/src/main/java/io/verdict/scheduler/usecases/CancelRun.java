package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.schedules.Caller;

import java.util.Map;
import java.util.Objects;

/** Cancelling a run: terminal runs stay as they are (cancel is idempotent); audited either way. */
public final class CancelRun {
    public record Command(Caller caller, String runId) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(runId, "runId");
        }
    }

    /** The run after the request; {@code changed} false when it had already ended. */
    public record Result(Run run, boolean changed) {}

    private final RunQueries queries;
    private final RunLifecycle lifecycle;
    private final AuditTrail audit;

    CancelRun(RunQueries queries, RunLifecycle lifecycle, AuditTrail audit) {
        this.queries = queries;
        this.lifecycle = lifecycle;
        this.audit = audit;
    }

    public Result execute(Command c) {
        Run before = queries.run(c.caller().tenantId(), c.runId());
        Run after = lifecycle.cancel(before.id(), c.caller().actor());
        audit.record(c.caller().tenantId(), c.caller().actor(), "run.cancel", c.runId(),
                after.reason().correlationId(), Map.of());
        return new Result(after, !before.state().isTerminal());
    }
}
