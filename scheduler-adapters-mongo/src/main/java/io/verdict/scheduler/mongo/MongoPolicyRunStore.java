package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.policy.PolicyRun;
import io.verdict.scheduler.policy.PolicyRunStore;
import org.bson.Document;

import java.util.List;
import java.util.Optional;

import static io.verdict.scheduler.mongo.Fields.*;

/**
 * Requested policy runs ({@code policyRuns}, unique per tenant and policy-run ID): the unique index makes
 * {@link #insert} first-writer-wins across instances.
 */
public final class MongoPolicyRunStore implements PolicyRunStore {
    private final MongoCollection<Document> docs;

    public MongoPolicyRunStore(MongoDatabase db) {
        this.docs = db.getCollection(CollectionNames.POLICY_RUNS);
    }

    @Override
    public boolean insert(PolicyRun r) {
        Document d = new Document("tenantId", r.tenantId()).append("policyRunId", r.policyRunId())
                .append("policyId", r.policyId()).append("policyVersion", r.policyVersion()).append("mode", r.mode().wire())
                .append("sbomSet", r.sbomSet());
        put(d, "schedulerRunId", r.schedulerRunId());
        if (r.simulatedTotal() != null) d.append("simulatedTotal", r.simulatedTotal());
        putDate(d, "indexBuiltAt", r.indexBuiltAt());
        putDate(d, "requestedAt", r.requestedAt());
        put(d, "correlationId", r.correlationId());
        try {
            docs.insertOne(d);
            return true;
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) return false;
            throw e;
        }
    }

    @Override
    public Optional<PolicyRun> find(String tenantId, String policyRunId) {
        return Optional.ofNullable(docs.find(Filters.and(Filters.eq("tenantId", tenantId),
                Filters.eq("policyRunId", policyRunId))).first()).map(MongoPolicyRunStore::fromDocument);
    }

    @Override
    public Optional<PolicyRun> lastPlanned(String tenantId, String policyId) {
        return Optional.ofNullable(docs.find(Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("policyId", policyId),
                        Filters.ne("schedulerRunId", null)))
                .sort(Sorts.descending("requestedAt", "policyRunId")).limit(1).first()).map(MongoPolicyRunStore::fromDocument);
    }

    private static PolicyRun fromDocument(Document d) {
        return new PolicyRun(string(d, "tenantId"), string(d, "policyRunId"), string(d, "policyId"),
                d.getInteger("policyVersion"), PolicyRun.Mode.fromWire(string(d, "mode")).orElseThrow(),
                d.getList("sbomSet", String.class, List.of()), string(d, "schedulerRunId"), d.getInteger("simulatedTotal"),
                instant(d, "indexBuiltAt"), instant(d, "requestedAt"), string(d, "correlationId"));
    }
}
