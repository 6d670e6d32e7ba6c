package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;
import io.verdict.scheduler.schedules.Caller;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What adapters may do with the outbox without holding it: read the tenant's feed and dead letters, and put a dead
 * letter back in line (audited, the dispatcher woken). Confined to the caller's tenant: another tenant's entry reads
 * as absent.
 */
public final class OutboundEvents {
    private final OutboxStore outbox;
    private final OutboxDispatcher dispatcher;
    private final AuditTrail audit;
    private final Clock clock;

    public OutboundEvents(OutboxDispatcher dispatcher, AuditTrail audit, Clock clock) {
        this.outbox = dispatcher.outbox();
        this.dispatcher = dispatcher;
        this.audit = audit;
        this.clock = clock;
    }

    /** Envelopes of the tenant after the cursor, in outbox order, whatever their delivery state. */
    public List<OutboxEntry> feed(String tenantId, long afterId, int limit) {
        return outbox.after(tenantId, afterId, Math.min(limit, OutboxStore.MAX_READ));
    }

    public List<OutboxEntry> deadLetters(String tenantId, long afterId, int limit) {
        return outbox.deadLetters(tenantId, afterId, Math.min(limit, OutboxStore.MAX_READ));
    }

    /** False when the tenant holds no dead letter with that id. */
    public boolean replay(Caller caller, long id) {
        if (!outbox.replay(caller.tenantId(), id, clock.instant())) return false;
        audit.record(caller.tenantId(), caller.actor(), "events.replay", Long.toString(id), caller.correlationId(), Map.of());
        dispatcher.wake();
        return true;
    }

    public OutboxCounts counts() {
        return outbox.counts();
    }

    /** Empty when the scheduler was built without an outbox (an embedder's in-memory notifier). */
    public static Optional<OutboundEvents> of(OutboxDispatcher dispatcher, AuditTrail audit, Clock clock) {
        return dispatcher == null ? Optional.empty() : Optional.of(new OutboundEvents(dispatcher, audit, clock));
    }
}
