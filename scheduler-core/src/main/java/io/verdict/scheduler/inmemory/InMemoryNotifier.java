package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.Notifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps published envelopes (idempotent on idempotencyKey), for tests and embedding only: nothing delivers them.
 * Bounded — beyond {@code capacity} the oldest are dropped — so an embedded scheduler does not grow with every run.
 * A deployment uses the outbox ({@link io.verdict.scheduler.events.outbox.OutboxNotifier}).
 */
public final class InMemoryNotifier implements Notifier {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final Map<String, EventEnvelope> published = new LinkedHashMap<>();

    public InMemoryNotifier() {
        this(DEFAULT_CAPACITY);
    }

    public InMemoryNotifier(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
    }

    @Override
    public synchronized void publish(EventEnvelope envelope) {
        published.putIfAbsent(envelope.idempotencyKey(), envelope);
        var it = published.entrySet().iterator();
        while (published.size() > capacity && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    public synchronized List<EventEnvelope> published() {
        return new ArrayList<>(published.values());
    }
}
