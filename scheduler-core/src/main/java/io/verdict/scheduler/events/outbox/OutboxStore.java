package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.events.EventEnvelope;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The durable outbox: every outbound envelope is stored here first and delivered from here by the
 * {@link OutboxDispatcher}, at least once and in order per run. Reads are bounded by {@link #MAX_READ}.
 *
 * <p>Ordering: {@link #claim} hands out only the oldest pending entry of each run, so a run's next event waits
 * until the one before it was delivered or dead-lettered. A claim moves {@code nextAttemptAt} forward by the lease,
 * which keeps other dispatchers (other processes on a shared store) off it while it is being delivered; if the
 * claimer dies, the entry becomes claimable again when the lease runs out (hence at-least-once).
 */
public interface OutboxStore {
    /** Largest page any read returns, whatever the caller asks for. */
    int MAX_READ = 1000;

    /**
     * Stores the envelope as pending, due at {@code now}. Idempotent on {@code envelope.idempotencyKey()}: a second
     * append with a key already stored changes nothing and returns the stored entry (a re-emitted event is not
     * delivered twice by us; the key also lets receivers drop our at-least-once redeliveries).
     */
    OutboxEntry append(String runId, EventEnvelope envelope, Instant now);

    /**
     * {@link #append} of each envelope, in order, as one write where the store can (one round trip, one commit):
     * a batch's delta envelopes cost one append instead of one per delta. Same idempotency per key.
     */
    default List<OutboxEntry> appendAll(String runId, List<EventEnvelope> envelopes, Instant now) {
        List<OutboxEntry> out = new java.util.ArrayList<>(envelopes.size());
        for (EventEnvelope e : envelopes) out.add(append(runId, e, now));
        return out;
    }

    /**
     * Up to {@code limit} entries, ascending by id: for each run, its oldest pending entry if that one is due
     * ({@code nextAttemptAt <= now}); each returned entry is leased until {@code now + lease}.
     */
    List<OutboxEntry> claim(Instant now, Duration lease, int limit);

    /**
     * Like {@link #claim}, but each run's due head may come with the pending entries right behind it, up to
     * {@code perRun} per run, in id order, as long as each is due: a run with many events (a delta per image) is
     * delivered a batch per round instead of one event per claim. The dispatcher delivers them in order and stops a
     * run's batch at its first failure (the rest stay leased, so they wait behind the failed one). The default hands
     * out heads only, which keeps the same order.
     */
    default List<OutboxEntry> claimInOrder(Instant now, Duration lease, int limit, int perRun) {
        return claim(now, lease, limit);
    }

    /** The entry was accepted by the sink. */
    void delivered(long id);

    /**
     * Gives back entries of a {@link #claimInOrder} batch that were not attempted (an earlier one of their run
     * failed): due again from {@code at}, attempts unchanged. They cannot overtake the failed one, which stays the
     * run's head. A store that keeps the default {@link #claimInOrder} hands out no such entries.
     */
    default void release(List<Long> ids, Instant at) {
    }

    /** {@link #delivered} for several entries (one write where the store can). */
    default void deliveredAll(List<Long> ids) {
        for (long id : ids) delivered(id);
    }

    /**
     * {@link #deliveredAll} of the last round's entries, then {@link #claimInOrder}: the dispatcher ends one round
     * and starts the next in one call, which a store with transactions makes one write (one commit instead of two
     * per round; on the embedded store the dispatcher's rounds shared its only connection with the workers). The
     * marks come first, so a run whose head was just delivered is claimable again.
     */
    default List<OutboxEntry> deliveredThenClaimInOrder(List<Long> delivered, Instant now, Duration lease, int limit,
                                                        int perRun) {
        deliveredAll(delivered);
        return claimInOrder(now, lease, limit, perRun);
    }

    /** A failed attempt: {@code attempts + 1}, the error kept, pending again from {@code retryAt}. */
    void failed(long id, String error, Instant retryAt);

    /** Gives up on the entry: {@code attempts + 1}, the error kept, moved to the dead-letter list. */
    void dead(long id, String error);

    /** A tenant's entries in any state with {@code id > afterId}, ascending (the pull feed). */
    List<OutboxEntry> after(String tenant, long afterId, int limit);

    /** A tenant's dead letters with {@code id > afterId}, ascending. */
    List<OutboxEntry> deadLetters(String tenant, long afterId, int limit);

    /**
     * Moves the tenant's dead letter {@code id} back to pending (attempts 0, due at {@code now}); false when there
     * is no such dead letter of that tenant (unknown, delivered, pending or another tenant's).
     */
    boolean replay(String tenant, long id, Instant now);

    OutboxCounts counts();

    /** A page size within 0..{@link #MAX_READ}. */
    static int bounded(int limit) {
        return Math.max(0, Math.min(limit, MAX_READ));
    }
}
