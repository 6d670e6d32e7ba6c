package io.verdict.scheduler.events;

/** Sends outbound envelopes (to Notify, a queue, a webhook). Must be idempotent on {@code idempotencyKey}. */
public interface Notifier {
    void publish(EventEnvelope envelope);
}
