package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.Notifier;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Notifier} of a deployed scheduler: publishing stores the envelope in the outbox (durable before
 * {@code publish} returns) and the {@link OutboxDispatcher} delivers it. The ordering key is the run ID, which every
 * envelope the core emits carries in {@code payload.runId}.
 */
public final class OutboxNotifier implements Notifier {
    private final OutboxStore outbox;
    private final Clock clock;
    private final Runnable wake;

    /** @param wake called after each append so the dispatcher delivers at once instead of at its next poll */
    public OutboxNotifier(OutboxStore outbox, Clock clock, Runnable wake) {
        this.outbox = outbox;
        this.clock = clock;
        this.wake = wake == null ? () -> {} : wake;
    }

    @Override
    public void publish(EventEnvelope envelope) {
        outbox.append(runId(envelope), envelope, clock.instant());
        wake.run();
    }

    /** Stores the envelopes of each run with one {@link OutboxStore#appendAll}, keeping their order. */
    @Override
    public void publishAll(List<EventEnvelope> envelopes) {
        if (envelopes.isEmpty()) return;
        Map<String, List<EventEnvelope>> byRun = new LinkedHashMap<>();
        for (EventEnvelope e : envelopes) byRun.computeIfAbsent(runId(e), k -> new ArrayList<>()).add(e);
        Instant now = clock.instant();
        byRun.forEach((run, batch) -> outbox.appendAll(run, batch, now));
        wake.run();
    }

    public OutboxStore outbox() {
        return outbox;
    }

    static String runId(EventEnvelope e) {
        Object runId = e.payload() == null ? null : e.payload().get("runId");
        return runId != null ? runId.toString() : e.idempotencyKey();
    }
}
