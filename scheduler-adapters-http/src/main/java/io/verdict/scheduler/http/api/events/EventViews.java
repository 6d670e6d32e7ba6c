package io.verdict.scheduler.http.api.events;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.events.outbox.EnvelopeJson;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.http.problem.ApiProblem;

import java.util.List;
import java.util.Map;

/** JSON shapes of the outbox routes, and the outbox they read. */
final class EventViews {
    private EventViews() {}

    /** A feed item: the envelope (SPEC §6) and where its delivery stands. */
    record FeedItem(long id, String status, int attempts, Map<String, Object> envelope) {}

    /** {@code nextAfter}: pass it as {@code after} to read on (equal to the request's cursor when nothing is new). */
    record FeedPage(List<FeedItem> items, long nextAfter) {}

    record DeadLetter(long id, int attempts, String lastError, Map<String, Object> envelope) {}

    record DeadLetterPage(List<DeadLetter> items, long nextAfter) {}

    record Replayed(long id, String status) {}

    static FeedItem item(OutboxEntry e) {
        return new FeedItem(e.id(), e.status().name().toLowerCase(java.util.Locale.ROOT), e.attempts(),
                EnvelopeJson.toMap(e.envelope()));
    }

    static DeadLetter dead(OutboxEntry e) {
        return new DeadLetter(e.id(), e.attempts(), e.lastError(), EnvelopeJson.toMap(e.envelope()));
    }

    static long nextAfter(List<OutboxEntry> page, long after) {
        return page.isEmpty() ? after : page.get(page.size() - 1).id();
    }

    /** The outbox of this scheduler; 404 when it was built without one (embedded, in-memory notifier). */
    static io.verdict.scheduler.usecases.OutboundEvents outbox(Scheduler s) {
        return s.outboundEvents().orElseThrow(
                () -> ApiProblem.notFound("this scheduler has no event outbox (embedded notifier)"));
    }
}
