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
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The segment queue on JetStream. Messages live in a work-queue stream ({@code <ns>_q_<queue>}), one subject per
 * segment ({@code <ns>.q.<queue>.<tenant>.<run>.<index>}), and are handed out by one durable pull consumer that every
 * node binds to, so the server delivers each message to one fetcher at a time. The consumer's ack wait is the
 * server-side lease; renewals are in-progress acks; a retry window is a {@code nak} with that delay; a dead letter is
 * a {@code term} plus a message on {@code <ns>.dead.<queue>.<tenant>} naming run, schedule and reason.
 *
 * <p>Enqueue is one publish: "expected last subject sequence 0" makes it create-if-absent, so a segment whose message
 * is still in the stream (waiting or leased) is not queued twice. What JetStream does not model — per-claim lease
 * times, fencing of a stale holder, backlog per tenant — is kept in one key-value record per delivered segment
 * ({@link QueueRecord}), written by the claim that leases it and changed only by revision-checked updates. The
 * fencing token is the consumer sequence of the delivery, which grows with every delivery (redeliveries included)
 * and survives a server restart.
 *
 * <p>A claim fetches up to {@link #BATCH} deliveries in one pull and hands them out from a local {@link FairBuffer}
 * (round-robin across tenants, then runs); deliveries left in the buffer longer than half the ack wait are given
 * back ({@code nak}) so that another node may take them.
 */
public final class NatsSegmentQueue implements SegmentQueue, AutoCloseable {
    private static final String AVAILABLE_HEADER = "Verdict-Available-At";
    /** JetStream's "wrong last sequence": the segment's subject already holds a message. */
    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final PublishOptions CREATE = PublishOptions.builder().expectedLastSubjectSequence(0).build();
    private static final Duration FETCH_WAIT = Duration.ofMillis(100);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);
    static final int BATCH = 32;
    private static final int MAX_SKIPS_PER_CLAIM = 256;

    private final NatsConnection nats;
    private final NatsQueueSettings settings;
    private final KeyValue state;
    private final String stateStream;
    private final NatsClock clock;
    private final JetStreamSubscription deliveries;
    private final Object fetchLock = new Object();
    private final FairBuffer buffer = new FairBuffer();
    /** Acks and terms this instance sent and the server has not confirmed yet, by segment subject (see enqueue). */
    private final Map<String, CompletableFuture<Message>> settling = new ConcurrentHashMap<>();
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
        nats.ensureSubject(settings.stream(), settings.subjects()); // streams of the layout with one subject per tenant
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

    /**
     * One publish, durable when it returns (the server's publish ack). Refused by the server while the segment's
     * subject holds a message — waiting, delayed or leased — which makes a second enqueue the no-op the port asks
     * for. A future {@code availableAt} also gets a waiting record, so that {@code depth} counts it as delayed.
     */
    @Override
    public void enqueue(SegmentRef ref, Instant availableAt) {
        String subject = settings.subject(ref);
        // An ack this instance just sent may not have reached the stream yet; until it has, the segment's subject
        // still holds the acked message and the create-if-absent publish would be refused.
        awaitSettled(subject);
        PublishAck ack;
        try {
            ack = nats.jetStream().publish(NatsMessage.builder().subject(subject)
                    .headers(new Headers().put(AVAILABLE_HEADER, availableAt.toString()))
                    .data(SegmentRefCodec.write(ref), StandardCharsets.UTF_8).build(), CREATE);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) return; // waiting or leased already
            throw NatsFailures.unchecked("enqueue " + ref.key(), e);
        } catch (Exception e) {
            throw NatsFailures.unchecked("enqueue " + ref.key(), e);
        }
        if (availableAt.isAfter(clock.now())) noteDelayed(ref, ack.getSeqno(), availableAt);
    }

    /** Best effort: without it the message is still held back at delivery (its header); only depth would differ. */
    private void noteDelayed(SegmentRef ref, long seq, Instant availableAt) {
        String key = QueueRecord.key(ref);
        byte[] rec = QueueRecord.waiting(ref, seq, availableAt, 0).bytes();
        try {
            state.create(key, rec);
        } catch (JetStreamApiException exists) {
            try {
                KeyValueEntry e = live(state.get(key));
                if (e == null || QueueRecord.read(e.getValue()).seq() != seq) {
                    state.update(key, rec, e == null ? 0 : e.getRevision()); // left over from an earlier enqueue
                }
            } catch (Exception ignored) {
                // raced with a claim of the new message: that claim's record is the one that counts
            }
        } catch (Exception ignored) {
            // see above
        }
    }

    private void awaitSettled(String subject) {
        CompletableFuture<Message> pending = settling.get(subject);
        if (pending == null) return;
        try {
            pending.get(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // unconfirmed: publish anyway, the server decides
        }
    }

    @Override
    public Optional<Lease> claim(String owner, Duration leaseTime) {
        boolean reclaimed = false;
        for (int skips = 0; skips < MAX_SKIPS_PER_CLAIM; skips++) {
            FairBuffer.Delivery d = nextDelivery();
            if (d == null) {
                // Nothing delivered: leases shorter than the ack wait may have run out without the server noticing.
                // Scanning the records costs a pass over the bucket, so an idle node does it every reclaimEvery.
                if (reclaimed || !reclaimDue() || reclaimExpired() == 0) return Optional.empty();
                reclaimed = true;
                continue;
            }
            Optional<Lease> lease = tryLease(d, owner, leaseTime);
            if (lease.isPresent()) return lease;
        }
        return Optional.empty();
    }

    private boolean reclaimDue() {
        return System.nanoTime() - lastReclaimNanos > settings.reclaimEvery().toNanos();
    }

    private FairBuffer.Delivery nextDelivery() {
        synchronized (fetchLock) {
            // What waited here for half the ack wait goes back: the server would soon hand it to someone else.
            for (FairBuffer.Delivery old : buffer.removeFetchedBefore(System.nanoTime() - settings.ackWait().toNanos() / 2)) {
                nak(old.msg().getReplyTo(), Duration.ZERO);
            }
            if (buffer.isEmpty()) {
                // One fetcher per instance at a time: concurrent pulls on one subscription would steal each
                // other's replies. Parallel claims on several instances (nodes) are served by the server.
                for (Message m : fetch()) {
                    SegmentRef ref = SegmentRefCodec.read(new String(m.getData(), StandardCharsets.UTF_8));
                    buffer.add(new FairBuffer.Delivery(m, ref, m.metaData().streamSequence(), System.nanoTime()));
                }
            }
            return buffer.next();
        }
    }

    /**
     * One pull for up to {@link #BATCH} deliveries: "no wait" with an expiry makes the server answer at once with
     * what it has, or wait up to {@link #FETCH_WAIT} for the first message when it has none.
     */
    private List<Message> fetch() {
        List<Message> got = new ArrayList<>(BATCH);
        deliveries.pullNoWait(BATCH, FETCH_WAIT);
        long deadline = System.nanoTime() + FETCH_WAIT.toNanos() + Duration.ofMillis(50).toNanos();
        try {
            while (got.size() < BATCH) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                Message m = deliveries.nextMessage(Duration.ofNanos(left));
                if (m == null) break; // the pull's end (its status) or the deadline
                if (m.isJetStream()) got.add(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return got;
    }

    /** Hands the delivery out as a lease if its record says it may be; otherwise settles the delivery. */
    private Optional<Lease> tryLease(FairBuffer.Delivery d, String owner, Duration leaseTime) {
        Message msg = d.msg();
        SegmentRef ref = d.ref();
        String key = QueueRecord.key(ref);
        try {
            Instant now = clock.now();
            if (msg.metaData().deliveredCount() == 1) {
                // First delivery: most likely no record exists (none is written at enqueue unless delayed).
                Instant availableAt = availableAt(msg);
                if (availableAt.isAfter(now)) {
                    msg.nakWithDelay(Duration.between(now, availableAt));
                    return Optional.empty();
                }
                Optional<Lease> fast = writeLease(msg, QueueRecord.waiting(ref, d.streamSeq(), availableAt, 0), 0,
                        owner, now, leaseTime);
                if (fast.isPresent()) return fast;
            }
            KeyValueEntry entry = live(state.get(key));
            QueueRecord rec = entry == null ? null : QueueRecord.read(entry.getValue());
            if (rec == null || rec.seq() != d.streamSeq()) {
                // Never handed out (a delayed first delivery, or its claimer died before writing the record), or the
                // record is left over from an earlier enqueue whose message is gone: lease it on the header's time.
                Instant availableAt = availableAt(msg);
                if (availableAt.isAfter(now)) {
                    msg.nakWithDelay(Duration.between(now, availableAt));
                    return Optional.empty();
                }
                Optional<Lease> lease = writeLease(msg, QueueRecord.waiting(ref, d.streamSeq(), availableAt, 0),
                        entry == null ? 0 : entry.getRevision(), owner, now, leaseTime);
                if (lease.isEmpty()) msg.nak();
                return lease;
            }
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
                    settle(settings.subject(ref), msg.getReplyTo(), "+TERM");
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

    private static Instant availableAt(Message msg) {
        Headers h = msg.getHeaders();
        String at = h == null ? null : h.getFirst(AVAILABLE_HEADER);
        return at == null ? Instant.EPOCH : Instant.parse(at);
    }

    /**
     * Writes the lease into the record if it is still at {@code revision} (0: if there is no record); empty when it
     * is not.
     */
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
        Receipt receipt = new Receipt(written, rec.seq(), msg.getReplyTo());
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

    /**
     * Deletes the record at the lease's revision (refused for a stale holder: that is the answer), then acks the
     * delivery without waiting for the server's confirmation. Crashing in between leaves the message unacked with no
     * record: it is delivered again after the ack wait and handed out once more (the core drops a finished segment's
     * duplicate delivery). The confirmation is awaited only by an enqueue of the same segment on this instance.
     */
    @Override
    public boolean ack(Lease lease) {
        Receipt receipt = Receipt.parse(lease.receipt());
        if (!deleteRecord(QueueRecord.key(lease.ref()), receipt.revision())) return false;
        settle(settings.subject(lease.ref()), receipt.reply(), "+ACK");
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
        settle(settings.subject(lease.ref()), receipt.reply(), "+TERM");
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

    /**
     * Deletes the run's messages that are not leased, with their waiting records. The run's subjects come from the
     * stream's subject index (no message is read); a record that is leased keeps its message. Messages are deleted
     * by sequence: nats-server 2.9's purge with a subject filter moves the consumer past every message, others too.
     */
    @Override
    public int purgeRun(String runId) {
        Map<String, KeyValueEntry> records = new HashMap<>();
        for (KeyValueEntry e : KvSnapshot.of(state, QueueRecord.runKeys(runId))) records.put(e.getKey(), e);
        int purged = 0;
        for (String subject : subjectsWithMessages(settings.runSubjects(runId))) {
            String key = keyOfSubject(subject);
            KeyValueEntry entry = records.get(key);
            QueueRecord rec = entry == null ? null : QueueRecord.read(entry.getValue());
            if (rec != null && rec.leased()) continue;
            if (entry != null && !deleteRecord(key, entry.getRevision())) continue; // claimed meanwhile
            try {
                long seq = rec != null ? rec.seq() : nats.management().getLastMessage(settings.stream(), subject).getSeq();
                if (nats.management().deleteMessage(settings.stream(), seq, false)) purged++;
            } catch (JetStreamApiException gone) {
                // acked or purged by someone else meanwhile
            } catch (Exception e) {
                throw NatsFailures.unchecked("purge " + subject, e);
            }
        }
        return purged;
    }

    /**
     * Counts per tenant: a message with a record is what the record says; one without a record has never been
     * handed out and is ready (a delayed enqueue has a record). One subject-index read plus one pass over the bucket.
     */
    @Override
    public List<QueueDepth> depth() {
        Instant now = clock.now();
        Map<String, KeyValueEntry> records = new HashMap<>();
        for (KeyValueEntry e : KvSnapshot.of(state, "m.>")) records.put(e.getKey(), e);
        Map<String, long[]> byTenant = new TreeMap<>();
        String prefix = settings.namespace() + ".q." + settings.queue() + ".";
        for (String subject : subjectsWithMessages(settings.subjects())) {
            String[] t = subject.substring(prefix.length()).split("\\.");
            if (t.length != 3) continue;
            long[] c = byTenant.computeIfAbsent(NatsNames.decode(t[0]), x -> new long[3]);
            KeyValueEntry entry = records.get("m." + t[1] + "." + t[2]);
            QueueRecord rec = entry == null ? null : QueueRecord.read(entry.getValue());
            if (rec == null || (!rec.leased() && !rec.availableAt().isAfter(now))) c[0]++;
            else if (rec.leased()) c[2]++;
            else c[1]++;
        }
        List<QueueDepth> out = new ArrayList<>();
        byTenant.forEach((t, c) -> out.add(new QueueDepth(settings.queue(), t, c[0], c[1], c[2])));
        return out;
    }

    /** The subjects matching {@code filter} that hold a message, from the stream's subject index. */
    private List<String> subjectsWithMessages(String filter) {
        return NatsConnection.call(() -> {
            List<Subject> subjects = nats.management()
                    .getStreamInfo(settings.stream(), StreamInfoOptions.filterSubjects(filter)).getStreamState().getSubjects();
            List<String> out = new ArrayList<>(subjects == null ? 0 : subjects.size());
            if (subjects != null) for (Subject sub : subjects) if (sub.getCount() > 0) out.add(sub.getName());
            return out;
        });
    }

    /** {@code <ns>.q.<queue>.<t>.<run>.<index>} → the record key {@code m.<run>.<index>}. */
    private static String keyOfSubject(String subject) {
        String[] t = subject.split("\\.");
        return "m." + t[t.length - 2] + "." + t[t.length - 1];
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

    /**
     * Sends an ack or term as a request: the server answers once it has processed it (for a work-queue stream: the
     * message is gone). Nobody waits for the answer except an enqueue of the same segment on this instance.
     */
    private void settle(String subject, String reply, String body) {
        CompletableFuture<Message> done = nats.connection()
                .requestWithTimeout(reply, body.getBytes(StandardCharsets.US_ASCII), SETTLE_TIMEOUT);
        settling.put(subject, done);
        done.whenComplete((m, e) -> settling.remove(subject, done));
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
        synchronized (fetchLock) {
            for (FairBuffer.Delivery d : buffer.drain()) nak(d.msg().getReplyTo(), Duration.ZERO); // for other nodes
        }
        try {
            deliveries.unsubscribe();
        } catch (IllegalStateException alreadyClosed) {
            // the connection went first
        }
    }
}
