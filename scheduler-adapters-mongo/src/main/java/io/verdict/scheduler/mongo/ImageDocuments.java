package io.verdict.scheduler.mongo;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import org.bson.Document;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.verdict.scheduler.mongo.Fields.*;

/**
 * ImageRecord ⇄ document. Labels are stored as a list of {key, value} pairs rather than a sub-document:
 * Kubernetes label keys contain dots and slashes, which are awkward or forbidden as BSON field names.
 */
final class ImageDocuments {
    private ImageDocuments() {}

    static Document toDocument(ImageRecord i) {
        Document d = new Document("tenantId", i.tenantId()).append("digest", i.digest());
        put(d, "registry", i.registry());
        put(d, "repository", i.repository());
        d.append("namespaces", i.namespaces()).append("tags", i.tags()).append("labels", pairs(i.labels()));
        List<Document> components = new ArrayList<>(i.components().size());
        for (Component c : i.components()) {
            components.add(new Document("purl", c.purl()).append("usedByEntrypoint", c.usedByEntrypoint()));
        }
        return d.append("components", components);
    }

    static ImageRecord fromDocument(Document d) {
        List<Component> components = new ArrayList<>();
        for (Document c : documents(d, "components")) {
            components.add(new Component(requiredString(c, "purl"), bool(c, "usedByEntrypoint")));
        }
        return new ImageRecord(requiredString(d, "tenantId"), requiredString(d, "digest"), string(d, "registry"),
                string(d, "repository"), strings(d, "namespaces"), strings(d, "tags"), map(d, "labels"), components);
    }

    /** A string map as an ordered list of {key, value} documents. */
    static List<Document> pairs(Map<String, String> map) {
        List<Document> out = new ArrayList<>(map.size());
        map.forEach((k, v) -> {
            Document p = new Document("key", k);
            out.add(put(p, "value", v));
        });
        return out;
    }

    static Map<String, String> map(Document d, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Document p : documents(d, field)) out.put(requiredString(p, "key"), string(p, "value"));
        return out;
    }
}
