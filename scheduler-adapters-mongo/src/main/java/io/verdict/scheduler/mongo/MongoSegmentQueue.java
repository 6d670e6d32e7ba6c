package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.verdict.scheduler.mongo.Fields.*;

/**
 * A durable segment queue in MongoDB, so the embedded app needs no Redis. One document per waiting or leased
 * segment in {@code queueMessages} (unique on queue + segment key: enqueueing a waiting segment again is a
 * no-op); dead letters in {@code deadLetters}.
 *
 * <ul>
 *   <li>Claim: one read checks that something is ready or expired (idle polls write nothing); expired leases
 *   are then put back (as in the in-memory queue), and one
 *   {@code findOneAndUpdate} takes the oldest ready message (availableAt ≤ now, not leased; sorted by
 *   availableAt, then enqueue order) and stamps owner, expiry and a fencing token in the same atomic write,
 *   so two workers can never claim the same message.</li>
 *   <li>Fair share: among ready messages the claim takes the oldest of the next run (round-robin) of the next
 *   tenant (round-robin), so one big or slow run never starves the others; oldest first within a run.</li>
 *   <li>Fencing tokens come from a durable counter document ({@code $inc}), so they grow across every claim
 *   of every segment and across restarts; a token burnt by a claim that found nothing is harmless.</li>
 *   <li>Ack, renew, retry and dead-letter match the message <em>and</em> the lease's token: after a lease was
 *   reclaimed, the former holder's writes match nothing.</li>
 *   <li>Dead-lettering without transactions: the message is first marked with its reason (atomic, under the
 *   lease's token), then copied to {@code deadLetters} (unique on queue, key and token, so a repeat is
 *   harmless), then deleted. A crash between the steps leaves a marked message that {@link #reclaimExpired}
 *   finishes.</li>
 *   <li>Time: every "now" comes from the injected clock (use {@link MongoServerClock} so all instances judge
 *   expiry by the database server's clock).</li>
 * </ul>
 */
public final class MongoSegmentQueue implements SegmentQueue {
    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> dead;
    private final Counters counters;
    private final Clock clock;
    private final String name;
    private volatile String lastTenant;
    private final Map<String, String> lastRunOfTenant = new java.util.concurrent.ConcurrentHashMap<>();

    public MongoSegmentQueue(MongoDatabase db, Clock clock) {
        this(db, clock, "runner");
    }

    public MongoSegmentQueue(MongoDatabase db, Clock clock, String name) {
        this.messages = db.getCollection(CollectionNames.QUEUE);
        this.dead = db.getCollection(CollectionNames.DEAD_LETTERS);
        this.counters = new Counters(db);
        this.clock = clock;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    private Bson inQueue() {
        return Filters.eq("queue", name);
    }

    private Bson message(String key) {
        return Filters.and(inQueue(), Filters.eq("key", key));
    }

    /** The message of {@code lease}, only while that lease (token) still holds it and it is not being dead-lettered. */
    private Bson heldBy(Lease lease) {
        return Filters.and(message(lease.ref().key()), Filters.eq("leaseToken", lease.fencingToken()),
                Filters.exists("deadReason", false));
    }

    @Override
    public void enqueue(SegmentRef ref, Instant availableAt) {
        Document d = new Document("queue", name).append("key", ref.key()).append("tenantId", ref.tenantId())
                .append("runId", ref.runId()).append("index", ref.index());
        put(d, "scheduleId", ref.scheduleId());
        d.append("availableAt", Date.from(availableAt)).append("seq", new ObjectId()).append("deliveries", 0);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                messages.insertOne(d);
                return;
            } catch (MongoException e) {
                if (!DuplicateKeys.is(e)) throw e;
            }
            // Waiting or leased already: a no-op, unless it is a message left half dead-lettered by a crash.
            Document existing = messages.find(message(ref.key())).first();
            if (existing == null || existing.get("deadReason") == null) return;
            finishDeadLetter(existing);
            d.remove("_id");
        }
    }

    @Override
    public Optional<Lease> claim(String owner, Duration leaseTime) {
        Instant now = clock.instant();
        Bson ready = Filters.and(inQueue(), Filters.lte("availableAt", Date.from(now)), Filters.eq("leaseToken", null),
                Filters.exists("deadReason", false));
        // Idle workers poll often: one read decides whether there is anything to do before any write happens.
        Bson expired = Filters.and(inQueue(), Filters.ne("leaseToken", null),
                Filters.lte("leaseExpiresAt", Date.from(now)), Filters.exists("deadReason", false));
        if (messages.find(Filters.or(ready, expired)).projection(new Document("_id", 1)).limit(1).first() == null) {
            return Optional.empty();
        }
        putBackExpired(now);
        long token = counters.next("queue:" + name + ":fencing");
        Instant expires = now.plus(leaseTime);
        Bson take = Updates.combine(Updates.set("leaseOwner", owner), Updates.set("leaseToken", token),
                Updates.set("leaseExpiresAt", Date.from(expires)), Updates.inc("deliveries", 1));
        FindOneAndUpdateOptions oldest = new FindOneAndUpdateOptions().sort(Sorts.ascending("availableAt", "seq"))
                .returnDocument(ReturnDocument.AFTER);
        Document d = null;
        Bson fair = fairTurn(ready);
        if (fair != null) d = messages.findOneAndUpdate(Filters.and(ready, fair), take, oldest);
        if (d == null) d = messages.findOneAndUpdate(ready, take, oldest); // the fair pick was taken meanwhile
        if (d == null) return Optional.empty();
        lastTenant = d.getString("tenantId");
        lastRunOfTenant.put(lastTenant, d.getString("runId"));
        return Optional.of(new Lease(ref(d), owner, token, instant(d, "leaseExpiresAt"), integer(d, "deliveries"),
                d.getObjectId("_id").toHexString()));
    }

    /**
     * Fair share: the tenant after the one this instance served last (wrapping), and within it the run after the
     * one served last, among messages ready now; the claim then takes that run's oldest message. Two small
     * {@code distinct} reads over the ready set (index {@code queue_ready}); each instance keeps its own turn.
     */
    private Bson fairTurn(Bson ready) {
        java.util.TreeSet<String> tenants = messages.distinct("tenantId", ready, String.class)
                .into(new java.util.TreeSet<>());
        if (tenants.isEmpty()) return null;
        String tenant = lastTenant == null ? null : tenants.higher(lastTenant);
        if (tenant == null) tenant = tenants.first();
        java.util.TreeSet<String> runs = messages.distinct("runId", Filters.and(ready, Filters.eq("tenantId", tenant)),
                String.class).into(new java.util.TreeSet<>());
        String lastRun = lastRunOfTenant.get(tenant);
        String run = lastRun == null ? null : runs.higher(lastRun);
        if (run == null && !runs.isEmpty()) run = runs.first();
        return run == null ? Filters.eq("tenantId", tenant)
                : Filters.and(Filters.eq("tenantId", tenant), Filters.eq("runId", run));
    }

    @Override
    public Lease renew(Lease lease, Duration leaseTime) {
        Instant now = clock.instant();
        Instant expires = now.plus(leaseTime);
        Document d = messages.findOneAndUpdate(
                Filters.and(heldBy(lease), Filters.gte("leaseExpiresAt", Date.from(now))),
                Updates.set("leaseExpiresAt", Date.from(expires)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (d == null) {
            Document current = messages.find(message(lease.ref().key())).first();
            long currentToken = current != null && current.get("leaseToken") != null
                    ? longValue(current, "leaseToken") : lease.fencingToken() + 1;
            throw new StaleLeaseException(lease.ref().key(), lease.fencingToken(), currentToken);
        }
        return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), instant(d, "leaseExpiresAt"),
                lease.deliveries(), lease.receipt());
    }

    @Override
    public boolean ack(Lease lease) {
        return messages.deleteOne(heldBy(lease)).getDeletedCount() == 1;
    }

    @Override
    public boolean retryAt(Lease lease, Instant availableAt) {
        return messages.updateOne(heldBy(lease), Updates.combine(
                Updates.set("availableAt", Date.from(availableAt)), Updates.set("seq", new ObjectId()),
                Updates.unset("leaseOwner"), Updates.unset("leaseToken"), Updates.unset("leaseExpiresAt")))
                .getModifiedCount() == 1;
    }

    /** Like {@link #retryAt}, and the claim's delivery is taken back: a deferral is not a failed attempt. */
    @Override
    public boolean release(Lease lease, Instant availableAt) {
        return messages.updateOne(heldBy(lease), Updates.combine(
                Updates.set("availableAt", Date.from(availableAt)), Updates.set("seq", new ObjectId()),
                Updates.inc("deliveries", -1), Updates.unset("leaseOwner"), Updates.unset("leaseToken"),
                Updates.unset("leaseExpiresAt"))).getModifiedCount() == 1;
    }

    @Override
    public boolean deadLetter(Lease lease, String reason) {
        Document marked = messages.findOneAndUpdate(heldBy(lease),
                Updates.combine(Updates.set("deadReason", reason == null ? "" : reason),
                        Updates.set("deadAt", Date.from(clock.instant()))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (marked == null) return false;
        finishDeadLetter(marked);
        return true;
    }

    /** Copies a marked message to the dead letters (idempotently) and removes it from the queue. */
    private void finishDeadLetter(Document marked) {
        Document letter = new Document("queue", name).append("key", marked.getString("key"))
                .append("fencingToken", longValue(marked, "leaseToken"))
                .append("tenantId", marked.getString("tenantId")).append("runId", marked.getString("runId"))
                .append("index", integer(marked, "index"));
        put(letter, "scheduleId", marked.getString("scheduleId"));
        letter.append("reason", marked.getString("deadReason")).append("deliveries", integer(marked, "deliveries"))
                .append("at", marked.get("deadAt"));
        try {
            dead.insertOne(letter);
        } catch (MongoException e) {
            if (!DuplicateKeys.is(e)) throw e; // already copied by an earlier, interrupted attempt
        }
        messages.deleteOne(Filters.and(Filters.eq("_id", marked.get("_id")), Filters.exists("deadReason", true)));
    }

    @Override
    public int reclaimExpired() {
        for (Document half : messages.find(Filters.and(inQueue(), Filters.exists("deadReason", true)))) {
            finishDeadLetter(half);
        }
        return putBackExpired(clock.instant());
    }

    private int putBackExpired(Instant now) {
        return (int) messages.updateMany(
                Filters.and(inQueue(), Filters.ne("leaseToken", null), Filters.lte("leaseExpiresAt", Date.from(now)),
                        Filters.exists("deadReason", false)),
                Updates.combine(Updates.set("availableAt", Date.from(now)), Updates.set("seq", new ObjectId()),
                        Updates.unset("leaseOwner"), Updates.unset("leaseToken"), Updates.unset("leaseExpiresAt")))
                .getModifiedCount();
    }

    @Override
    public int purgeRun(String runId) {
        return (int) messages.deleteMany(Filters.and(inQueue(), Filters.eq("runId", runId),
                Filters.eq("leaseToken", null), Filters.exists("deadReason", false))).getDeletedCount();
    }

    @Override
    public List<QueueDepth> depth() {
        Date now = Date.from(clock.instant());
        Bson waiting = Filters.and(inQueue(), Filters.eq("leaseToken", null), Filters.exists("deadReason", false));
        Map<String, long[]> byTenant = new TreeMap<>();
        count(Filters.and(waiting, Filters.lte("availableAt", now)), byTenant, 0);
        count(Filters.and(waiting, Filters.gt("availableAt", now)), byTenant, 1);
        count(Filters.and(inQueue(), Filters.ne("leaseToken", null), Filters.exists("deadReason", false)), byTenant, 2);
        List<QueueDepth> out = new ArrayList<>();
        byTenant.forEach((t, c) -> out.add(new QueueDepth(name, t, c[0], c[1], c[2])));
        return out;
    }

    private void count(Bson match, Map<String, long[]> byTenant, int slot) {
        for (Document g : messages.aggregate(List.of(Aggregates.match(match),
                Aggregates.group("$tenantId", Accumulators.sum("n", 1))))) {
            byTenant.computeIfAbsent(g.getString("_id"), t -> new long[3])[slot] += longValue(g, "n");
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String tenantId, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        if (limit < 1) return out;
        for (Document d : dead.find(Filters.and(inQueue(), Filters.eq("tenantId", tenantId)))
                .sort(Sorts.descending("at", "_id")).limit(limit)) {
            out.add(new DeadLetter(ref(d), d.getString("reason"), integer(d, "deliveries"), instant(d, "at")));
        }
        return out;
    }

    private static SegmentRef ref(Document d) {
        return new SegmentRef(d.getString("tenantId"), d.getString("runId"), integer(d, "index"),
                d.getString("scheduleId"));
    }
}
