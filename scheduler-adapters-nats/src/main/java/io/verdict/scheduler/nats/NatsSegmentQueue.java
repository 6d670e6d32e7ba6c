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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Set;

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
    /** How long an enqueue of a segment this instance just acked retries a refused publish (the ack in flight). */
    private static final Duration SETTLE_GRACE = Duration.ofSeconds(2);
    static final int BATCH = 32;
    /**
     * An {@code availableAt} this close to the time of the enqueue counts as "now" for the bookkeeping (no waiting
     * record; a light lease at first delivery): callers pass their own clock's now, which may be a little ahead of
     * the server's. Delivery itself still compares with the exact time.
     */
    private static final Duration READY_SLACK = Duration.ofMillis(50);
    private static final int MAX_SKIPS_PER_CLAIM = 256;

    private final NatsConnection nats;
    private final NatsQueueSettings settings;
    private final KeyValue state;
    private final String stateStream;
    private final NatsClock clock;
    private final JetStreamSubscription deliveries;
    private final Object fetchLock = new Object();
    private final FairBuffer buffer = new FairBuffer();
    /**
     * How many deliveries the next pull asks for (guarded by fetchLock): {@link #BATCH}, halved whenever buffered
     * deliveries had to be given back unused, doubled again when a full pull was handed out within a quarter of the
     * ack wait. A pull larger than what the claims take in half the ack wait only cycles messages through naks.
     */
    private int batch = BATCH;
    private long lastPullNanos;
    private int lastPullSize;
    /** When this instance last acked or terminated a delivery, by segment subject (System.nanoTime; see enqueue). */
    private final Map<String, Long> settled = new ConcurrentHashMap<>();
    private volatile long lastReclaimNanos = System.nanoTime();
    private final HeldLeases held = new HeldLeases();
    private final ScheduledExecutorService keeper;

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
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nats-queue-" + settings.queue() + "-leases");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, settings.ackWait().toMillis() / 6);
        keeper.scheduleWithFixedDelay(this::promoteQuietly, every, every, TimeUnit.MILLISECONDS);
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
        NatsMessage.Builder b = NatsMessage.builder().subject(subject).data(SegmentRefCodec.write(ref), StandardCharsets.UTF_8);
        // No header: ready now. "Now" is the caller's clock here (its availableAt came from it); the delivery
        // compares a header with the server's clock.
        boolean later = availableAt.isAfter(Instant.now());
        if (later) b.headers(new Headers().put(AVAILABLE_HEADER, availableAt.toString()));
        Message msg = b.build();
        boolean delayed = later && availableAt.isAfter(clock.now().plus(READY_SLACK));
        PublishAck ack;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    ack = nats.jetStream().publish(msg, CREATE);
                    break;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) throw e;
                    // The subject holds a message: waiting or leased, so this enqueue is a no-op. Unless this
                    // instance acked it a moment ago: acks are sent without waiting, and the stream may not have
                    // removed the message yet. Then try again for a little while.
                    if (!recentlySettled(subject)) return;
                    Thread.sleep(Math.min(20, 1L << Math.min(attempt, 4)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NatsFailures.unchecked("enqueue " + ref.key(), e);
        } catch (Exception e) {
            throw NatsFailures.unchecked("enqueue " + ref.key(), e);
        }
        if (delayed) noteDelayed(ref, ack.getSeqno(), availableAt);
    }

    private boolean recentlySettled(String subject) {
        Long at = settled.get(subject);
        if (at == null) return false;
        if (System.nanoTime() - at < SETTLE_GRACE.toNanos()) return true;
        settled.remove(subject, at);
        return false;
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
            // What waited here for half the ack wait goes back: the server would soon hand it to someone else. What
            // waited a whole ack wait has been redelivered already: a nak now would hit that delivery, not ours.
            long now = System.nanoTime();
            long ackWait = settings.ackWait().toNanos();
            List<FairBuffer.Delivery> old = buffer.removeFetchedBefore(now - ackWait / 2);
            for (FairBuffer.Delivery d : old) {
                if (now - d.fetchedNanos() < ackWait) nak(d.msg().getReplyTo(), Duration.ZERO);
            }
            if (!old.isEmpty()) {
                // This instance's claims do not keep up with its pulls (slow segments, few worker threads): every
                // delivery given back unused is churn for the server and holds work other nodes could have done.
                batch = Math.max(1, batch / 2);
            }
            if (buffer.isEmpty()) {
                if (old.isEmpty() && lastPullSize == batch && now - lastPullNanos < ackWait / 4) {
                    batch = Math.min(BATCH, batch * 2); // the last full pull was handed out well in time
                }
                // One fetcher per instance at a time: concurrent pulls on one subscription would steal each
                // other's replies. Parallel claims on several instances (nodes) are served by the server.
                List<Message> got = fetch(batch);
                lastPullNanos = now;
                lastPullSize = got.size();
                for (Message m : got) {
                    SegmentRef ref = SegmentRefCodec.read(new String(m.getData(), StandardCharsets.UTF_8));
                    buffer.add(new FairBuffer.Delivery(m, ref, m.metaData().streamSequence(), now));
                }
            }
            return buffer.next();
        }
    }

    /**
     * One pull for up to {@code max} deliveries: "no wait" with an expiry makes the server answer at once with
     * what it has, or wait up to {@link #FETCH_WAIT} for the first message when it has none.
     */
    private List<Message> fetch(int max) {
        List<Message> got = new ArrayList<>(max);
        deliveries.pullNoWait(max, FETCH_WAIT);
        long deadline = System.nanoTime() + FETCH_WAIT.toNanos() + Duration.ofMillis(50).toNanos();
        try {
            while (got.size() < max) {
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
                if (mayHaveBeenLight(msg)) {
                    // Queued ready, delivered for the first time: no record exists and nobody else can hold it
                    // before the ack wait runs out. Hand it out without a write; promote() records it if it lives.
                    long token = msg.metaData().consumerSequence();
                    Instant expiresAt = now.plus(leaseTime);
                    held.add(new HeldLeases.Held(ref, token, d.streamSeq(), msg.getReplyTo(), owner, d.fetchedNanos(),
                            expiresAt));
                    return Optional.of(new Lease(ref, owner, token, expiresAt, 1,
                            new Receipt(0, d.streamSeq(), msg.getReplyTo()).toString()));
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
                // JetStream's delivery count is no hand-out count: every nak of a delivery a buffer gave back unused
                // (this node's or another's), every delay and every in-progress redelivery adds to it, and counting
                // those buried busy segments as poison (ERR_RUN_006). Deliveries that were handed out are in the
                // record, except a light lease whose holder died before promote() recorded it: at most one, the
                // first delivery, and only if that was ready when queued. Count that one, so a segment that kills
                // its workers at once still reaches the poison limit.
                int before = msg.metaData().deliveredCount() > 1 && mayHaveBeenLight(msg) ? 1 : 0;
                Optional<Lease> lease = writeLease(msg, QueueRecord.waiting(ref, d.streamSeq(), availableAt, before),
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

    /** Whether the message's first delivery could have been a light lease: it was queued ready (see tryLease). */
    private static boolean mayHaveBeenLight(Message msg) {
        return !availableAt(msg).isAfter(msg.metaData().timestamp().toInstant().plus(READY_SLACK));
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
        if (receipt.revision() == 0) {
            HeldLeases.Held h = held.get(lease.fencingToken(), receipt.reply());
            if (h == null) receipt = recorded(lease, receipt);
            else synchronized (h) {
                if (!h.live(now)) throw stale(lease);
                if (h.revision == 0) { // not recorded yet: only this instance knows it, so renewing is local
                    h.expiresAt = expiresAt;
                    send(receipt.reply(), "+WPI");
                    return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), expiresAt, lease.deliveries(),
                            lease.receipt());
                }
                long written = renewRecord(lease, receipt.at(h.revision), expiresAt);
                h.revision = written;
                h.expiresAt = expiresAt;
                return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), expiresAt, lease.deliveries(),
                        lease.receipt());
            }
        }
        long written = renewRecord(lease, receipt, expiresAt);
        return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), expiresAt, lease.deliveries(),
                receipt.at(written).toString());
    }

    private long renewRecord(Lease lease, Receipt receipt, Instant expiresAt) {
        if (receipt.revision() < 0) throw stale(lease); // taken over
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
        return written;
    }

    /**
     * A light lease this instance does not know (another instance handed it out): its record decides. A record of
     * another delivery means it was taken over (revision -1: every checked write fails); none means it is not
     * recorded yet (revision 0).
     */
    private Receipt recorded(Lease lease, Receipt receipt) {
        try {
            KeyValueEntry e = live(state.get(QueueRecord.key(lease.ref())));
            if (e == null) return receipt;
            QueueRecord rec = QueueRecord.read(e.getValue());
            return receipt.at(rec.leased() && rec.token() == lease.fencingToken() ? e.getRevision() : -1);
        } catch (Exception e) {
            throw NatsFailures.unchecked("read queue record " + lease.ref().key(), e);
        }
    }

    /**
     * Ends the lease with one revision-checked write where it has a record (refused for a stale holder: that is the
     * answer), then acks the delivery without waiting for the server's confirmation. A light lease (no record yet)
     * is ended in this instance's memory: no one else can hold it yet. Crashing before the ack reaches the server
     * leaves the message unacked: it is delivered again after the ack wait and handed out once more (the core drops a
     * finished segment's duplicate delivery). An enqueue of the same segment right after the ack, on this instance,
     * retries while the stream has not removed the acked message yet.
     */
    @Override
    public boolean ack(Lease lease) {
        Receipt receipt = Receipt.parse(lease.receipt());
        String subject = settings.subject(lease.ref());
        if (receipt.revision() == 0) {
            HeldLeases.Held h = held.get(lease.fencingToken(), receipt.reply());
            if (h == null) {
                receipt = recorded(lease, receipt);
                if (receipt.revision() == 0) {
                    if (!lease.expiresAt().isAfter(clock.now())) return false;
                    settle(subject, receipt.reply(), "+ACK");
                    return true;
                }
            } else synchronized (h) {
                Instant now = clock.now();
                if (!h.live(now)) return false;
                h.ended = true;
                if (h.revision == 0 && System.nanoTime() - h.pulledNanos < settings.ackWait().toNanos() * 2 / 3) {
                    settle(subject, receipt.reply(), "+ACK");
                    return true;
                }
                if (h.revision == 0) {
                    // Old and not recorded (promote() fell behind): a redelivery may be near. Record it now, or
                    // find that it was taken over.
                    try {
                        h.revision = record(h, QueueRecord.waiting(h.ref, h.seq, now, 0)
                                .lease(h.token, h.owner, h.expiresAt, h.reply));
                    } catch (Exception e) {
                        throw NatsFailures.unchecked("ack " + lease.ref().key(), e);
                    }
                    if (h.revision < 0) return false;
                }
                receipt = receipt.at(h.revision);
            }
        }
        if (!deleteRecord(QueueRecord.key(lease.ref()), receipt.revision())) return false;
        settle(subject, receipt.reply(), "+ACK");
        return true;
    }

    @Override
    public boolean retryAt(Lease lease, Instant availableAt) {
        return putBack(lease, availableAt, false, "retry");
    }

    /**
     * Like {@link #retryAt}, but the record takes the delivery back ({@code deliveries - 1}): the adapter, not
     * JetStream, counts deliveries (the consumer's {@code max_deliver} is unlimited), so the server's own redelivery
     * count growing with the {@code nak} counts for nothing.
     */
    @Override
    public boolean release(Lease lease, Instant availableAt) {
        return putBack(lease, availableAt, true, "release");
    }

    /** Writes the waiting record at the lease's revision (refused for a stale holder), then naks until it is due. */
    private boolean putBack(Lease lease, Instant availableAt, boolean givenBack, String what) {
        Receipt receipt = Receipt.parse(lease.receipt());
        HeldLeases.Held h = receipt.revision() == 0 ? held.get(lease.fencingToken(), receipt.reply()) : null;
        if (receipt.revision() == 0 && h == null) receipt = recorded(lease, receipt);
        if (h != null) {
            synchronized (h) {
                if (!h.live(clock.now())) return false;
                h.ended = true;
                return writeWaiting(lease, receipt.at(h.revision), availableAt, givenBack, what);
            }
        }
        return writeWaiting(lease, receipt, availableAt, givenBack, what);
    }

    private boolean writeWaiting(Lease lease, Receipt receipt, Instant availableAt, boolean givenBack, String what) {
        if (receipt.revision() < 0) return false; // taken over
        QueueRecord held = QueueRecord.held(lease, receipt);
        QueueRecord waiting = givenBack ? held.givenBack(availableAt) : held.released(availableAt);
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
        HeldLeases.Held h = receipt.revision() == 0 ? held.get(lease.fencingToken(), receipt.reply()) : null;
        if (receipt.revision() == 0 && h == null) receipt = recorded(lease, receipt);
        if (h != null) {
            synchronized (h) {
                if (!h.live(clock.now())) return false;
                h.ended = true;
                receipt = receipt.at(h.revision);
            }
        }
        if (receipt.revision() < 0) return false;
        if (receipt.revision() > 0 && !deleteRecord(QueueRecord.key(lease.ref()), receipt.revision())) return false;
        try {
            publishDeadLetter(QueueRecord.held(lease, receipt), reason, clock.now());
        } catch (Exception e) {
            throw NatsFailures.unchecked("dead-letter " + lease.ref().key(), e);
        }
        settle(settings.subject(lease.ref()), receipt.reply(), "+TERM");
        return true;
    }

    /**
     * Promotes light leases a third of the ack wait old: writes their record, so that other nodes see them (depth,
     * reclaim) and a redelivery after the ack wait finds the holder. Runs every third of the ack wait.
     */
    private void promote() {
        Instant now = clock.now();
        long due = System.nanoTime() - settings.ackWait().toNanos() / 3;
        for (HeldLeases.Held h : held.all()) {
            synchronized (h) {
                if (!h.live(now) || h.revision != 0 || h.pulledNanos - due > 0) continue;
                QueueRecord rec = QueueRecord.waiting(h.ref, h.seq, now, 0).lease(h.token, h.owner, h.expiresAt, h.reply);
                try {
                    h.revision = record(h, rec);
                    if (h.revision < 0) h.ended = true; // someone else recorded it: not ours any more
                } catch (Exception e) {
                    // disconnected: try again next time (the server's ack wait still protects it for a while)
                }
            }
        }
        held.prune(now);
        long stale = System.nanoTime() - SETTLE_GRACE.toNanos();
        settled.values().removeIf(at -> at - stale < 0);
    }

    /**
     * Creates the light lease's record; over a record left from an earlier enqueue of the segment (another message)
     * if there is one. The record's revision, or -1 when the segment's record belongs to this message already
     * (another node took the delivery over).
     */
    private long record(HeldLeases.Held h, QueueRecord rec) throws Exception {
        String key = QueueRecord.key(h.ref);
        try {
            return state.update(key, rec.bytes(), 0);
        } catch (JetStreamApiException exists) {
            KeyValueEntry e = live(state.get(key));
            if (e != null && QueueRecord.read(e.getValue()).seq() == h.seq) return -1;
            try {
                return state.update(key, rec.bytes(), e == null ? 0 : e.getRevision());
            } catch (JetStreamApiException raced) {
                return -1;
            }
        }
    }

    private void promoteQuietly() {
        try {
            promote();
        } catch (RuntimeException e) {
            // disconnected or closing: the next run tries again
        }
    }

    @Override
    public int reclaimExpired() {
        lastReclaimNanos = System.nanoTime();
        Instant now = clock.now();
        int reclaimed = 0;
        for (HeldLeases.Held h : held.all()) {
            synchronized (h) {
                if (h.ended || h.revision != 0 || h.expiresAt.isAfter(now)) continue;
                h.ended = true;
            }
            nak(h.reply, Duration.ZERO);
            reclaimed++;
        }
        if (!hasRecords()) return reclaimed; // nothing recorded, nothing else to reclaim: spare the bucket pass
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
        Set<String> unrecorded = held.unrecordedKeys(clock.now());
        int purged = 0;
        for (String subject : subjectsWithMessages(settings.runSubjects(runId))) {
            String key = keyOfSubject(subject);
            if (unrecorded.contains(key)) continue; // leased here
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
        Set<String> unrecorded = held.unrecordedKeys(now);
        Map<String, long[]> byTenant = new TreeMap<>();
        String prefix = settings.namespace() + ".q." + settings.queue() + ".";
        for (String subject : subjectsWithMessages(settings.subjects())) {
            String[] t = subject.substring(prefix.length()).split("\\.");
            if (t.length != 3) continue;
            long[] c = byTenant.computeIfAbsent(NatsNames.decode(t[0]), x -> new long[3]);
            String key = "m." + t[1] + "." + t[2];
            KeyValueEntry entry = records.get(key);
            QueueRecord rec = entry == null ? null : QueueRecord.read(entry.getValue());
            if (rec == null && unrecorded.contains(key)) c[2]++;
            else if (rec == null || (!rec.leased() && !rec.availableAt().isAfter(now))) c[0]++;
            else if (rec.leased()) c[2]++;
            else c[1]++;
        }
        List<QueueDepth> out = new ArrayList<>();
        byTenant.forEach((t, c) -> out.add(new QueueDepth(settings.queue(), t, c[0], c[1], c[2])));
        return out;
    }

    /**
     * Whether the bucket holds any segment record, from the stream's subject count (one request, no consumer). An
     * idle claim asks this every {@code reclaimEvery}; most of the time the answer is no (light leases have none).
     */
    private boolean hasRecords() {
        return NatsConnection.call(() -> nats.management().getStreamInfo(stateStream,
                StreamInfoOptions.filterSubjects("$KV." + settings.stateBucket() + ".m.>")).getStreamState()
                .getSubjectCount() > 0);
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

    /** Sends an ack or term without waiting, remembering the segment for a quick re-enqueue (see enqueue). */
    private void settle(String subject, String reply, String body) {
        settled.put(subject, System.nanoTime());
        send(reply, body);
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
        keeper.shutdownNow();
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
