package io.verdict.scheduler.usecases;

import io.verdict.scheduler.intake.CursorStore;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.planning.PlannedRun;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * At-most-once planning per (tenant, key), shared by intake events and policy runs: the durable "processed event"
 * record of {@link CursorStore} is first-writer-wins across instances. The run is planned before the key is
 * recorded (so a crash in between replays, never loses, the request); the loser of a concurrent race cancels its
 * duplicate run quietly and answers with the winner's.
 */
final class OncePerKey {
    private final CursorStore cursors;
    private final RunLifecycle lifecycle;

    OncePerKey(CursorStore cursors, RunLifecycle lifecycle) {
        this.cursors = cursors;
        this.lifecycle = lifecycle;
    }

    sealed interface Outcome {
        /** This request planned the run. */
        record First(PlannedRun planned) implements Outcome {}

        /** The key was seen before; the run it planned, if it planned one. */
        record Repeat(Optional<String> runId) implements Outcome {}
    }

    Optional<Outcome.Repeat> seen(String tenantId, String key) {
        return cursors.processedEvent(tenantId, key).map(id -> new Outcome.Repeat(id.isEmpty() ? Optional.empty() : Optional.of(id)));
    }

    Outcome once(String tenantId, String key, Supplier<PlannedRun> plan, String dedupActor) {
        Optional<Outcome.Repeat> before = seen(tenantId, key);
        if (before.isPresent()) return before.get();
        PlannedRun planned = plan.get();
        if (!cursors.markProcessed(tenantId, key, planned.run().id())) {
            lifecycle.cancel(planned.run().id(), dedupActor);
            return seen(tenantId, key).orElse(new Outcome.Repeat(Optional.empty()));
        }
        return new Outcome.First(planned);
    }
}
