package io.verdict.scheduler.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The segment queue on JetStream. Messages live in a work-queue stream ({@code <ns>_q_<queue>}, subject
 * {@code <ns>.q.<queue>.<tenant>}) and are handed out by one durable pull consumer that every node binds to, so the
 * server delivers each message to one fetcher at a time. The consumer's ack wait is the server-side lease; renewals
 * are in-progress acks; a retry window is a {@code nak} with that delay; a dead letter is a {@code term} plus a
 * message on {@code <ns>.dead.<queue>.<tenant>} naming run, schedule and reason.
 *
 * <p>What JetStream does not model — per-claim lease times, "enqueue is a no-op while waiting or leased", delayed
 * first delivery, fencing of a stale holder, backlog per tenant — is kept in one key-value record per segment
 * ({@link QueueRecord}) changed only by revision-checked updates. The fencing token is the consumer sequence of the
 * delivery, which grows with every delivery (redeliveries included) and survives a server restart.
 */
public final class NatsSegmentQueue implements SegmentQueue, AutoCloseable {
    private static final String ENQUEUE_HEADER = "Verdict-Enqueue";
    private static final String REVISION_HEADER = "Verdict-Record-Revision";
    private static final String AVAILABLE_HEADER = "Verdict-Available-At";
    private static final Duration FETCH_WAIT = Duration.ofMillis(100);
    private static final int MAX_SKIPS_PER_CLAIM = 256;

    private final NatsConnection nats;
    private final NatsQueueSettings settings;
    private final KeyValue state;
    private final String stateStream;
    private final NatsClock clock;
    private final JetStreamSubscription deliveries;
    private final Object fetchLock = new Object();
    private final Deque<Message> fetched = new ArrayDeque<>();
    private volatile long lastReclaimNanos = System.nanoTime();

    public NatsSegmentQueue(NatsConnection nats, String namespace) {
        this(nats, NatsQueueSettings.runner(namespace));
    }

    public NatsSegmentQueue(NatsConnection nats, NatsQueueSettings settings) {
        this.nats = nats;
        this.settings = settings;
        nats.ensureStream(StreamConfiguration.builder().name(settings.stream()).subjects(settings.subjects())
                .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File)
                .description("verdict scheduler " + settings.queue() + " queue").build());
        nats.ensureStream(StreamConfiguration.builder().name(settings.deadStream())
                .subjects(settings.namespace() + ".dead." + settings.queue() + ".*")
                .retentionPolicy(RetentionPolicy.Limits).maxMessages(settings.deadLetterCap())
                .discardPolicy(DiscardPolicy.Old).storageType(StorageType.File)
                .description("verdict scheduler " + settings.queue() + " dead letters").build());
        this.state = nats.deletableBucket(settings.stateBucket(), "verdict scheduler " + settings.queue() + " queue state");
        this.stateStream = "KV_" + settings.stateBucket();
        this.clock = new NatsClock(state, settings.queue() + "-" + UUID.randomUUID());
        ConsumerConfiguration consumer = ConsumerConfiguration.builder().durable(settings.consumer())
                .ackPolicy(AckPolicy.Explicit).ackWait(settings.ackWait()).deliverPolicy(DeliverPolicy.All)
                .maxDeliver(-1).maxAckPending(1_000_000).build();
        this.deliveries = NatsConnection.call(() -> {
            nats.management().addOrUpdateConsumer(settings.stream(), consumer);
            return nats.jetStream().subscribe(null, PullSubscribeOptions.bind(settings.stream(), settings.consumer()));
        });
    }

    @Override
    public String name() {
        return settings.queue();
    }

    NatsQueueSettings settings() {
        return settings;
    }

    @Override
    public void enqueue(SegmentRef ref, Instant availableAt) {
        String key = QueueRecord.key(ref);
        String enqueueId = UUID.randomUUID().toString();
        long revision;
        try {
            // The record first: it is what makes a second enqueue a no-op, and a delivery without it is dropped.
            revision = state.create(key, QueueRecord.waiting(ref, enqueueId, availableAt, 0).bytes());
        } catch (JetStreamApiException exists) {
            return; // waiting or leased already
        } catch (Exception e) {
            throw NatsFailures.unchecked("enqueue " + ref.key(), e);
        }
        // The message says which record it was queued with, so its first delivery needs no read of the record.
        Headers h = new Headers().put(ENQUEUE_HEADER, enqueueId).put(REVISION_HEADER, Long.toString(revision))
                .put(AVAILABLE_HEADER, availableAt.toString());
        try {
            nats.jetStream().publish(NatsMessage.builder().subject(settings.subject(ref.tenantId())).headers(h)
                    .data(SegmentRefCodec.write(ref), StandardCharsets.UTF_8).build(),
                    PublishOptions.builder().messageId(enqueueId).build());
        } catch (Exception e) {
            deleteRecord(key); // undo, so the caller's retry of the enqueue is not a silent no-op
            throw NatsFailures.unchecked("enqueue " + ref.key(), e);
        }
    }

    @Override
    public Optional<Lease> claim(String owner, Duration leaseTime) {
        boolean reclaimed = false;
        for (int skips = 0; skips < MAX_SKIPS_PER_CLAIM; skips++) {
            Message msg = nextDelivery();
            if (msg == null) {
                // Nothing delivered: leases shorter than the ack wait may have run out without the server noticing.
                // Scanning the records costs a pass over the bucket, so an idle node does it every reclaimEvery.
                if (reclaimed || !reclaimDue() || reclaimExpired() == 0) return Optional.empty();
                reclaimed = true;
                continue;
            }
            Optional<Lease> lease = tryLease(msg, owner, leaseTime);
            if (lease.isPresent()) return lease;
        }
        return Optional.empty();
    }

    private boolean reclaimDue() {
        return System.nanoTime() - lastReclaimNanos > settings.reclaimEvery().toNanos();
    }

    private Message nextDelivery() {
        synchronized (fetchLock) {
            if (fetched.isEmpty()) {
                // One fetcher per instance at a time: concurrent pulls on one subscription would steal each
                // other's replies. Parallel claims on several instances (nodes) are served by the server.
                fetched.addAll(deliveries.fetch(1, FETCH_WAIT));
            }
            return fetched.pollFirst();
        }
    }

    /** Hands the delivery out as a lease if its record says it may be; otherwise settles the delivery. */
    private Optional<Lease> tryLease(Message msg, String owner, Duration leaseTime) {
        SegmentRef ref = SegmentRefCodec.read(new String(msg.getData(), StandardCharsets.UTF_8));
        String key = QueueRecord.key(ref);
        Headers h = msg.getHeaders();
        String enqueueId = h == null ? null : h.getFirst(ENQUEUE_HEADER);
        try {
            if (msg.metaData().deliveredCount() == 1 && h.getFirst(REVISION_HEADER) != null) {
                // First delivery: the record is most likely still the one written at enqueue. Lease it with one
                // write checked against that revision; if anything changed it since, decide from a fresh read.
                QueueRecord queued = QueueRecord.waiting(ref, enqueueId, Instant.parse(h.getFirst(AVAILABLE_HEADER)), 0);
                Instant now = clock.now();
                if (queued.availableAt().isAfter(now)) {
                    msg.nakWithDelay(Duration.between(now, queued.availableAt()));
                    return Optional.empty();
                }
                Optional<Lease> fast = writeLease(msg, queued, Long.parseLong(h.getFirst(REVISION_HEADER)), owner,
                        now, leaseTime);
                if (fast.isPresent()) return fast;
            }
            KeyValueEntry entry = live(state.get(key));
            QueueRecord rec = entry == null ? null : QueueRecord.read(entry.getValue());
            if (rec == null || !rec.enqueueId().equals(enqueueId)) {
                msg.ack(); // left over from an acked, purged or dead-lettered segment
                return Optional.empty();
            }
            Instant now = clock.now();
            if (!rec.leased() && rec.availableAt().isAfter(now)) {
                msg.nakWithDelay(Duration.between(now, rec.availableAt())); // not due: come back when it is
                return Optional.empty();
            }
            if (rec.leased() && rec.expiresAt().isAfter(now)) {
                msg.inProgress(); // the ack wait ran out before a longer lease: the holder keeps it
                return Optional.empty();
            }
            if (rec.deliveries() >= settings.maxDeliveries()) {
                String reason = "delivered " + rec.deliveries() + " times (max " + settings.maxDeliveries() + ")";
                if (deleteRecord(key, entry.getRevision())) {
                    publishDeadLetter(rec, reason, now);
                    msg.term();
                }
                return Optional.empty();
            }
            Optional<Lease> lease = writeLease(msg, rec, entry.getRevision(), owner, now, leaseTime);
            if (lease.isEmpty()) msg.nak(); // changed under us (purge, reclaim): let the next delivery decide again
            return lease;
        } catch (Exception e) {
            throw NatsFailures.unchecked("claim " + ref.key(), e);
        }
    }

    /** Writes the lease into the record if it is still at {@code revision}; empty when it is not. */
    private Optional<Lease> writeLease(Message msg, QueueRecord rec, long revision, String owner, Instant now,
                                       Duration leaseTime) throws Exception {
        long token = msg.metaData().consumerSequence();
        Instant expiresAt = now.plus(leaseTime);
        QueueRecord leased = rec.lease(token, owner, expiresAt, msg.getReplyTo());
        long written;
        try {
            written = state.update(QueueRecord.key(rec.ref()), leased.bytes(), revision);
        } catch (JetStreamApiException changed) {
            return Optional.empty();
        }
        Receipt receipt = new Receipt(written, rec.enqueueId(), msg.getReplyTo());
        return Optional.of(new Lease(rec.ref(), owner, token, expiresAt, leased.deliveries(), receipt.toString()));
    }

    @Override
    public Lease renew(Lease lease, Duration leaseTime) {
        Receipt receipt = Receipt.parse(lease.receipt());
        Instant now = clock.now();
        if (!lease.expiresAt().isAfter(now)) throw stale(lease); // expired, reclaimed or not
        Instant expiresAt = now.plus(leaseTime);
        QueueRecord renewed = QueueRecord.held(lease, receipt).renewed(expiresAt);
        long written;
        try {
            written = state.update(QueueRecord.key(lease.ref()), renewed.bytes(), receipt.revision());
        } catch (JetStreamApiException changed) {
            throw stale(lease);
        } catch (Exception e) {
            throw NatsFailures.unchecked("renew " + lease.ref().key(), e);
        }
        send(receipt.reply(), "+WPI"); // in-progress ack: restarts the server's ack wait
        return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), expiresAt, lease.deliveries(),
                receipt.at(written).toString());
    }

    @Override
    public boolean ack(Lease lease) {
        Receipt receipt = Receipt.parse(lease.receipt());
        if (!deleteRecord(QueueRecord.key(lease.ref()), receipt.revision())) return false;
        send(receipt.reply(), "+ACK");
        return true;
    }

    @Override
    public boolean retryAt(Lease lease, Instant availableAt) {
        Receipt receipt = Receipt.parse(lease.receipt());
        return putBack(lease, receipt, QueueRecord.held(lease, receipt).released(availableAt), "retry");
    }

    /**
     * Like {@link #retryAt}, but the record takes the delivery back ({@code deliveries - 1}): the adapter, not
     * JetStream, counts deliveries (the consumer's {@code max_deliver} is unlimited), so the server's own redelivery
     * count growing with the {@code nak} counts for nothing.
     */
    @Override
    public boolean release(Lease lease, Instant availableAt) {
        Receipt receipt = Receipt.parse(lease.receipt());
        return putBack(lease, receipt, QueueRecord.held(lease, receipt).givenBack(availableAt), "release");
    }

    /** Writes the waiting record at the lease's revision (refused for a stale holder), then naks until it is due. */
    private boolean putBack(Lease lease, Receipt receipt, QueueRecord waiting, String what) {
        try {
            state.update(QueueRecord.key(lease.ref()), waiting.bytes(), receipt.revision());
        } catch (JetStreamApiException changed) {
            return false;
        } catch (Exception e) {
            throw NatsFailures.unchecked(what + " " + lease.ref().key(), e);
        }
        nak(receipt.reply(), Duration.between(clock.now(), waiting.availableAt()));
        return true;
    }

    @Override
    public boolean deadLetter(Lease lease, String reason) {
        Receipt receipt = Receipt.parse(lease.receipt());
        QueueRecord rec = QueueRecord.held(lease, receipt);
        if (!deleteRecord(QueueRecord.key(lease.ref()), receipt.revision())) return false;
        try {
            publishDeadLetter(rec, reason, clock.now());
        } catch (Exception e) {
            throw NatsFailures.unchecked("dead-letter " + lease.ref().key(), e);
        }
        send(receipt.reply(), "+TERM");
        return true;
    }

    @Override
    public int reclaimExpired() {
        lastReclaimNanos = System.nanoTime();
        Instant now = clock.now();
        int reclaimed = 0;
        for (KeyValueEntry entry : KvSnapshot.of(state, "m.>")) {
            QueueRecord rec = QueueRecord.read(entry.getValue());
            if (!rec.leased() || rec.expiresAt().isAfter(now)) continue;
            try {
                state.update(entry.getKey(), rec.released(now).bytes(), entry.getRevision());
            } catch (JetStreamApiException changed) {
                continue; // acked, renewed or reclaimed by someone else meanwhile
            } catch (Exception e) {
                throw NatsFailures.unchecked("reclaim " + rec.ref().key(), e);
            }
            nak(rec.reply(), Duration.ZERO); // deliver it again now rather than when the ack wait runs out
            reclaimed++;
        }
        return reclaimed;
    }

    @Override
    public int purgeRun(String runId) {
        int purged = 0;
        for (KeyValueEntry entry : KvSnapshot.of(state, QueueRecord.runKeys(runId))) {
            QueueRecord rec = QueueRecord.read(entry.getValue());
            // Its message stays in the stream until its next delivery, which finds no record and drops it.
            if (!rec.leased() && deleteRecord(entry.getKey(), entry.getRevision())) purged++;
        }
        return purged;
    }

    @Override
    public List<QueueDepth> depth() {
        Instant now = clock.now();
        Map<String, long[]> byTenant = new TreeMap<>();
        for (KeyValueEntry entry : KvSnapshot.of(state, "m.>")) {
            QueueRecord rec = QueueRecord.read(entry.getValue());
            long[] c = byTenant.computeIfAbsent(rec.ref().tenantId(), t -> new long[3]);
            if (rec.leased()) c[2]++;
            else if (rec.availableAt().isAfter(now)) c[1]++;
            else c[0]++;
        }
        List<QueueDepth> out = new ArrayList<>();
        byTenant.forEach((t, c) -> out.add(new QueueDepth(settings.queue(), t, c[0], c[1], c[2])));
        return out;
    }

    @Override
    public List<DeadLetter> deadLetters(String tenantId, int limit) {
        if (limit <= 0) return List.of();
        ArrayDeque<DeadLetter> newest = new ArrayDeque<>(limit);
        for (Message m : StreamScan.all(nats, settings.deadStream(), settings.deadSubject(tenantId))) {
            if (newest.size() == limit) newest.pollFirst();
            newest.addLast(DeadLetterCodec.read(m.getData()));
        }
        List<DeadLetter> out = new ArrayList<>(newest);
        out.sort(Comparator.comparing(DeadLetter::at).reversed());
        return out;
    }

    private void publishDeadLetter(QueueRecord rec, String reason, Instant at) throws Exception {
        nats.jetStream().publish(settings.deadSubject(rec.ref().tenantId()),
                DeadLetterCodec.write(new DeadLetter(rec.ref(), reason, rec.deliveries(), at)));
    }

    private static KeyValueEntry live(KeyValueEntry e) {
        return e == null || e.getOperation() != KeyValueOperation.PUT ? null : e;
    }

    /**
     * Removes the record if it is still at {@code revision}. Deleting the bucket stream's message (rather than
     * writing a delete marker) leaves nothing behind per finished segment; with one value per key a revision
     * exists only while it is the key's current value, so this is a compare-and-delete.
     */
    private boolean deleteRecord(String key, long revision) {
        try {
            return nats.management().deleteMessage(stateStream, revision, false);
        } catch (JetStreamApiException gone) {
            return false;
        } catch (Exception e) {
            throw NatsFailures.unchecked("delete queue record " + key, e);
        }
    }

    private void deleteRecord(String key) {
        try {
            KeyValueEntry e = live(state.get(key));
            if (e != null) deleteRecord(key, e.getRevision());
        } catch (Exception ignored) {
            // best effort: the enqueue already failed and says so
        }
    }

    private void send(String reply, String body) {
        nats.connection().publish(reply, body.getBytes(StandardCharsets.US_ASCII));
    }

    private void nak(String reply, Duration delay) {
        if (delay.isNegative() || delay.isZero()) send(reply, "-NAK");
        else send(reply, "-NAK {\"delay\":" + delay.toNanos() + "}");
    }

    private StaleLeaseException stale(Lease lease) {
        long current = 0;
        try {
            KeyValueEntry e = live(state.get(QueueRecord.key(lease.ref())));
            if (e != null) current = QueueRecord.read(e.getValue()).token();
        } catch (Exception ignored) {
            // the token in the message is for operators; the lease is stale either way
        }
        return new StaleLeaseException(lease.ref().key(), lease.fencingToken(), current);
    }

    @Override
    public void close() {
        try {
            deliveries.unsubscribe();
        } catch (IllegalStateException alreadyClosed) {
            // the connection went first
        }
    }
}
