package io.verdict.scheduler.schedules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Durable record of cron tick decisions, shared by every scheduler instance. It is what makes a fire happen once
 * cluster-wide even when a tick lock expires under a paused JVM (the decision for a fire time is written at most
 * once), what stops a restarted or second instance from re-firing (the per-schedule cursor), and what an operator
 * reads to learn why a schedule did or did not fire.
 *
 * <p>Keys are (tenant, schedule, fire time). An adapter needs a unique index on that key and conditional writes.
 */
public interface TickLedger {
    /** Stores the decision unless one exists for its key; true if this call stored it (first writer wins). */
    boolean record(TickDecision decision);

    /**
     * Records each decision unless one exists for its key (as {@link #record}); returns those this call stored.
     * Catch-up after an outage records many {@code missed} decisions at once: adapters should batch (an unordered
     * insert that ignores duplicate keys).
     */
    default List<TickDecision> recordAll(List<TickDecision> decisions) {
        List<TickDecision> stored = new ArrayList<>();
        for (TickDecision d : decisions) {
            if (record(d)) stored.add(d);
        }
        return stored;
    }

    /**
     * Replaces the stored decision with {@code next} (same key) if the stored one still equals {@code expected}
     * (every component); true if replaced. Used to turn a {@code firing} claim into {@code fired} or {@code failed}.
     */
    boolean replace(TickDecision expected, TickDecision next);

    /** Deletes the stored decision if it still equals {@code expected}: a claim given up to retry on a later tick. */
    boolean remove(TickDecision expected);

    Optional<TickDecision> find(String tenantId, String scheduleId, Instant fireTime);

    /** Decisions of a schedule, newest fire time first, with fire time before {@code before} (null: from the newest). */
    List<TickDecision> list(String tenantId, String scheduleId, Instant before, int limit);

    /**
     * The schedule's cursor: every fire time at or before it is settled (decided, or deliberately not due — e.g. it
     * predates a change of the cron expression). Empty for a schedule never ticked.
     */
    Optional<Instant> lastFireTime(String tenantId, String scheduleId);

    /** Moves the cursor forward to {@code fireTime}; never moves it back. */
    void advance(String tenantId, String scheduleId, Instant fireTime);
}
