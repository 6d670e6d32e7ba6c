package io.verdict.scheduler.events;

import java.util.List;

/** Sends outbound envelopes (to Notify, a queue, a webhook). Must be idempotent on {@code idempotencyKey}. */
public interface Notifier {
    void publish(EventEnvelope envelope);

    /** Publishes several envelopes in order; an outbox stores them in one write. */
    default void publishAll(List<EventEnvelope> envelopes) {
        for (EventEnvelope e : envelopes) publish(e);
    }
}
