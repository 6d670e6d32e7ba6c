package io.verdict.scheduler.events.outbox;

/**
 * Where the dispatcher delivers envelopes (a webhook, a stream). {@link #deliver} returns normally only once the
 * receiver accepted the envelope; any exception is a failed attempt the dispatcher retries later. A sink may retry
 * briefly itself, but must give up in bounded time so one dead receiver does not stall the outbox.
 */
public interface EventSink {
    /** Short name for logs and metrics (e.g. {@code webhook:ops}). */
    String name();

    /** Whether this sink wants the entry at all (per-sink filters); a refused entry counts as delivered to it. */
    default boolean accepts(OutboxEntry entry) {
        return true;
    }

    void deliver(OutboxEntry entry) throws Exception;
}
