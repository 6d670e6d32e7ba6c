package io.verdict.scheduler.nats;

import io.verdict.scheduler.queue.SegmentRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this queue instance handed out from a first delivery without writing a record ("light" leases, receipt
 * revision 0). Until one is promoted (its record written, {@link Held#revision} &gt; 0) only this instance knows it
 * is held, and no one else can hold it: JetStream gives a delivery to one fetcher and redelivers it only after the
 * ack wait, while promotion happens at a third of it. Entries stay after the lease ended, until it would have
 * expired, so that a second ack or an ack after a retry is answered {@code false}.
 */
final class HeldLeases {
    /** One light lease; guarded by its own monitor. */
    static final class Held {
        final SegmentRef ref;
        final long token;
        final long seq;
        final String reply;
        final String owner;
        /** System.nanoTime() when the pull that delivered it was sent: the server's redelivery is an ack wait later. */
        final long pulledNanos;
        Instant expiresAt;
        long revision; // 0 until promoted
        boolean ended;

        Held(SegmentRef ref, long token, long seq, String reply, String owner, long pulledNanos, Instant expiresAt) {
            this.ref = ref;
            this.token = token;
            this.seq = seq;
            this.reply = reply;
            this.owner = owner;
            this.pulledNanos = pulledNanos;
            this.expiresAt = expiresAt;
        }

        boolean live(Instant now) {
            return !ended && expiresAt.isAfter(now);
        }
    }

    private final Map<Long, Held> byToken = new ConcurrentHashMap<>();

    void add(Held h) {
        byToken.put(h.token, h);
    }

    /** The entry of this lease (same token and delivery), or null when another instance handed it out. */
    Held get(long token, String reply) {
        Held h = byToken.get(token);
        return h != null && h.reply.equals(reply) ? h : null;
    }

    List<Held> all() {
        return new ArrayList<>(byToken.values());
    }

    /** Record keys of the live, unpromoted leases: held, though the bucket does not say so yet. */
    Set<String> unrecordedKeys(Instant now) {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        for (Held h : byToken.values()) {
            synchronized (h) {
                if (h.live(now) && h.revision == 0) keys.add(QueueRecord.key(h.ref));
            }
        }
        return keys;
    }

    /** Forgets what ended or expired before {@code now}. */
    void prune(Instant now) {
        byToken.values().removeIf(h -> {
            synchronized (h) {
                return !h.expiresAt.isAfter(now) && (h.ended || h.revision > 0);
            }
        });
    }
}
