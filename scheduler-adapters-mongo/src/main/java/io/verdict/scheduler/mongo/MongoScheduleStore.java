package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.result.UpdateResult;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleStore;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Schedules in the {@code schedules} collection, unique on (tenantId, id); soft-deleted ones keep their
 * document with {@code deletedAt} set. Listings are sorted here rather than by the server so that unnamed
 * schedules come last exactly as in the in-memory store (MongoDB sorts missing values first); a tenant has
 * few schedules.
 */
public final class MongoScheduleStore implements ScheduleStore {
    private static final Comparator<Schedule> BY_NAME_THEN_ID =
            Comparator.comparing(Schedule::name, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(Schedule::id);
    private static final Comparator<Schedule> BY_TENANT_THEN_ID =
            Comparator.comparing(Schedule::tenantId).thenComparing(Schedule::id);

    private final MongoCollection<Document> schedules;

    public MongoScheduleStore(MongoDatabase db) {
        this.schedules = db.getCollection(CollectionNames.SCHEDULES);
    }

    @Override
    public void insert(Schedule schedule) {
        try {
            schedules.insertOne(ScheduleDocuments.toDocument(schedule));
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) throw new ConcurrentUpdateException("schedule " + schedule.id() + " exists");
            throw e;
        }
    }

    @Override
    public Optional<Schedule> find(String tenantId, String id) {
        return Optional.ofNullable(schedules.find(key(tenantId, id)).first()).map(ScheduleDocuments::fromDocument);
    }

    @Override
    public Schedule update(Schedule updated) {
        UpdateResult r = schedules.replaceOne(
                Filters.and(key(updated.tenantId(), updated.id()), Filters.eq("version", updated.version() - 1)),
                ScheduleDocuments.toDocument(updated));
        if (r.getMatchedCount() == 0) throw new ConcurrentUpdateException("schedule " + updated.id());
        return updated;
    }

    @Override
    public List<Schedule> list(String tenantId) {
        return sorted(Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("deletedAt", null)), BY_NAME_THEN_ID);
    }

    @Override
    public List<Schedule> enabled() {
        return sorted(Filters.and(Filters.eq("enabled", true), Filters.eq("deletedAt", null)), BY_TENANT_THEN_ID);
    }

    private List<Schedule> sorted(Bson query, Comparator<Schedule> order) {
        List<Schedule> out = new ArrayList<>();
        for (Document d : schedules.find(query)) out.add(ScheduleDocuments.fromDocument(d));
        out.sort(order);
        return out;
    }

    private static Bson key(String tenantId, String id) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("id", id));
    }
}
