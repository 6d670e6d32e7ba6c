package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Named expiring locks in the {@code locks} collection, one document per name ({@code _id}) that is never
 * deleted, so its {@code fencingToken} keeps growing across acquisitions.
 *
 * <p>Acquire is one {@code findOneAndUpdate} with upsert on "this name, free or expired": it takes a free or
 * expired lock, or creates the document on first use. When someone holds the lock, the filter does not match
 * and the upsert tries to insert a second document with the same {@code _id}; the duplicate-key error (11000)
 * means "held", as it does when two instances create the same new lock at once. Release is a compare-and-clear
 * on the lease's token. Expiry is judged by the injected clock (use {@link MongoServerClock}).
 */
public final class MongoLockService implements LockService {
    private final MongoCollection<Document> locks;
    private final Clock clock;

    public MongoLockService(MongoDatabase db, Clock clock) {
        this.locks = db.getCollection(CollectionNames.LOCKS);
        this.clock = clock;
    }

    @Override
    public Optional<LockLease> tryAcquire(String name, String owner, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be > 0");
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        try {
            Document d = locks.findOneAndUpdate(
                    Filters.and(Filters.eq("_id", name),
                            Filters.or(Filters.eq("owner", null), Filters.lte("expiresAt", Date.from(now)))),
                    Updates.combine(Updates.set("owner", owner), Updates.set("expiresAt", Date.from(expires)),
                            Updates.set("acquiredAt", Date.from(now)), Updates.inc("fencingToken", 1L)),
                    new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
            return Optional.of(new LockLease(name, owner, Fields.longValue(d, "fencingToken"), Fields.instant(d, "expiresAt")));
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) return Optional.empty();
            throw e;
        }
    }

    @Override
    public boolean release(LockLease lease) {
        return locks.updateOne(
                Filters.and(Filters.eq("_id", lease.name()), Filters.eq("fencingToken", lease.fencingToken()),
                        Filters.ne("owner", null)),
                Updates.combine(Updates.unset("owner"), Updates.unset("expiresAt"), Updates.unset("acquiredAt")))
                .getModifiedCount() == 1;
    }
}
