package io.verdict.scheduler.contracts;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outbox of a process that dies the moment it appends an envelope of {@code kind}: the append throws, as the
 * process would stop, inside the unit of work of the state change that caused the envelope.
 */
public record DyingOutbox(String kind, OutboxStore delegate) implements OutboxStore {
    private void check(EventEnvelope e) {
        if (e.kind().equals(kind)) throw new IllegalStateException("process died before storing " + e.idempotencyKey());
    }

    @Override
    public OutboxEntry append(String runId, EventEnvelope envelope, Instant now) {
        check(envelope);
        return delegate.append(runId, envelope, now);
    }

    @Override
    public List<OutboxEntry> appendAll(String runId, List<EventEnvelope> envelopes, Instant now) {
        envelopes.forEach(this::check);
        return delegate.appendAll(runId, envelopes, now);
    }

    @Override
    public List<OutboxEntry> claim(Instant now, Duration lease, int limit) {
        return delegate.claim(now, lease, limit);
    }

    @Override
    public void delivered(long id) {
        delegate.delivered(id);
    }

    @Override
    public void failed(long id, String error, Instant retryAt) {
        delegate.failed(id, error, retryAt);
    }

    @Override
    public void dead(long id, String error) {
        delegate.dead(id, error);
    }

    @Override
    public List<OutboxEntry> after(String tenant, long afterId, int limit) {
        return delegate.after(tenant, afterId, limit);
    }

    @Override
    public List<OutboxEntry> deadLetters(String tenant, long afterId, int limit) {
        return delegate.deadLetters(tenant, afterId, limit);
    }

    @Override
    public boolean replay(String tenant, long id, Instant now) {
        return delegate.replay(tenant, id, now);
    }

    @Override
    public OutboxCounts counts() {
        return delegate.counts();
    }
}
