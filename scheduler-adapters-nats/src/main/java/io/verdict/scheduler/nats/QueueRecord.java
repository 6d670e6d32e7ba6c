package io.verdict.scheduler.nats;

import io.verdict.scheduler.events.codec.JsonFields;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.SegmentRef;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The state of one delivered segment, the value of key {@code m.<run>.<index>} in the queue's state bucket. JetStream
 * carries and redelivers the message; this record says whether a delivery may be handed out (waiting and due),
 * who holds it (token, owner, expiry) and how often it was handed out. It is written by the claim that first leases
 * the message (and by an enqueue with a future {@code availableAt}, so that {@code depth} sees the delay); a message
 * without a record has never been handed out and is ready when its {@code Verdict-Available-At} header says so. It is changed only by revision-checked
 * updates, which is what makes a stale holder's ack, renew, retry or dead-letter fail.
 *
 * @param seq        the stream sequence of the message the record belongs to. A delivery whose sequence differs finds a
 *                   record left over from an earlier enqueue of the same segment (its message is gone) and replaces it
 * @param availableAt while waiting: when it may be handed out; while leased: when the lease runs out (so a lease
 *                   alone is enough to rebuild the record it holds, see {@link #held})
 * @param token      the consumer sequence of the delivery that holds the lease (0 while waiting)
 * @param reply      the JetStream ack subject of that delivery: any node can ack, nak, renew or term with it
 */
record QueueRecord(SegmentRef ref, long seq, boolean leased, Instant availableAt, int deliveries,
                   long token, String owner, Instant expiresAt, String reply) {

    static QueueRecord waiting(SegmentRef ref, long seq, Instant availableAt, int deliveries) {
        return new QueueRecord(ref, seq, false, availableAt, deliveries, 0, null, null, null);
    }

    QueueRecord lease(long token, String owner, Instant expiresAt, String reply) {
        return new QueueRecord(ref, seq, true, expiresAt, deliveries + 1, token, owner, expiresAt, reply);
    }

    /** The record a lease holds, rebuilt from the lease and its receipt alone (no read). */
    static QueueRecord held(io.verdict.scheduler.queue.Lease lease, Receipt receipt) {
        return new QueueRecord(lease.ref(), receipt.seq(), true, lease.expiresAt(), lease.deliveries(),
                lease.fencingToken(), lease.owner(), lease.expiresAt(), receipt.reply());
    }

    QueueRecord renewed(Instant expiresAt) {
        return new QueueRecord(ref, seq, true, expiresAt, deliveries, token, owner, expiresAt, reply);
    }

    QueueRecord released(Instant availableAt) {
        return new QueueRecord(ref, seq, false, availableAt, deliveries, 0, null, null, null);
    }

    /** Back to waiting with the delivery that leased it taken back: a release is a deferral, not an attempt. */
    QueueRecord givenBack(Instant availableAt) {
        return new QueueRecord(ref, seq, false, availableAt, Math.max(0, deliveries - 1), 0, null, null, null);
    }

    static String key(SegmentRef ref) {
        return "m." + NatsNames.token(ref.runId()) + "." + ref.index();
    }

    static String runKeys(String runId) {
        return "m." + NatsNames.token(runId) + ".*";
    }

    byte[] bytes() {
        Map<String, Object> m = new HashMap<>();
        m.put("tenantId", ref.tenantId());
        m.put("runId", ref.runId());
        m.put("index", ref.index());
        m.put("scheduleId", ref.scheduleId());
        m.put("seq", seq);
        m.put("leased", leased);
        m.put("availableAt", availableAt.toString());
        m.put("deliveries", deliveries);
        m.put("token", token);
        m.put("owner", owner);
        m.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        m.put("reply", reply);
        return CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8);
    }

    static QueueRecord read(byte[] bytes) {
        JsonFields f = JsonFields.parse(new String(bytes, StandardCharsets.UTF_8), "queue record");
        String expires = f.optString("expiresAt");
        return new QueueRecord(
                new SegmentRef(f.string("tenantId"), f.string("runId"), f.integer("index"), f.optString("scheduleId")),
                f.longValue("seq"), f.bool("leased"), Instant.parse(f.string("availableAt")), f.integer("deliveries"),
                f.longValue("token"), f.optString("owner"), expires == null ? null : Instant.parse(expires),
                f.optString("reply"));
    }
}
