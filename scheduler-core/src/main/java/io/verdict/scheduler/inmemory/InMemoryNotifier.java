package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.Notifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps published envelopes (idempotent on idempotencyKey), for tests and the embedded default. */
public final class InMemoryNotifier implements Notifier {
    private final Map<String, EventEnvelope> published = new LinkedHashMap<>();

    @Override
    public synchronized void publish(EventEnvelope envelope) {
        published.putIfAbsent(envelope.idempotencyKey(), envelope);
    }

    public synchronized List<EventEnvelope> published() {
        return new ArrayList<>(published.values());
    }
}
