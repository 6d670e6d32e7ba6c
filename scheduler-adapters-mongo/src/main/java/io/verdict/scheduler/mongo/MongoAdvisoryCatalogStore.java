package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.verdict.scheduler.intake.AdvisoryCatalogStore;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The advisory catalog ({@code advisoryCatalog}, unique per tenant and vulnerability ID): one document per ID with
 * its purls. {@code $addToSet} with {@code $each} makes adding purls atomic per ID across instances; a concurrent
 * first insert of the same ID loses on the unique index and is retried as an update.
 */
public final class MongoAdvisoryCatalogStore implements AdvisoryCatalogStore {
    private final MongoCollection<Document> docs;

    public MongoAdvisoryCatalogStore(MongoDatabase db) {
        this.docs = db.getCollection(CollectionNames.ADVISORY_CATALOG);
    }

    @Override
    public void addPurls(String tenantId, String vulnerabilityId, Set<String> purls) {
        var filter = Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("vulnerabilityId", vulnerabilityId));
        var update = Updates.addEachToSet("purls", new ArrayList<>(new TreeSet<>(purls)));
        for (int attempt = 0; ; attempt++) {
            try {
                docs.updateOne(filter, update, new UpdateOptions().upsert(true));
                return;
            } catch (MongoException e) {
                if (!DuplicateKeys.is(e) || attempt >= 2) throw e;
            }
        }
    }

    @Override
    public Map<String, Set<String>> find(String tenantId, Collection<String> vulnerabilityIds) {
        Map<String, Set<String>> out = new TreeMap<>();
        if (vulnerabilityIds.isEmpty()) return out;
        for (Document d : docs.find(Filters.and(Filters.eq("tenantId", tenantId),
                Filters.in("vulnerabilityId", new TreeSet<>(vulnerabilityIds))))) {
            List<String> purls = d.getList("purls", String.class, List.of());
            out.put(d.getString("vulnerabilityId"), Set.copyOf(purls));
        }
        return out;
    }

    @Override
    public long countIds(String tenantId) {
        return docs.countDocuments(Filters.eq("tenantId", tenantId));
    }
}
