package io.verdict.scheduler.planning;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.impact.Selector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The canonical form of a plan: everything that decides which images are evaluated in which segments, and
 * nothing that varies between two plannings of the same inputs (no run ID, timestamps or correlation ID).
 * Its SHA-256 is the run's {@code planDigest}; {@code replay} recomputes it from an evidence manifest.
 */
public final class PlanDocument {
    private PlanDocument() {}

    public static Map<String, Object> of(PlanRequest req, int segmentSize, List<List<String>> segments) {
        return of(req, segmentSize, segments, null);
    }

    /**
     * @param uncapped targets before {@code limits.maxJobs} cut the list, or null when no cap applied; recorded
     *                 (with {@code maxJobs}) only when the cap cut something, so uncapped plans keep their digest
     */
    public static Map<String, Object> of(PlanRequest req, int segmentSize, List<List<String>> segments,
                                         Integer uncapped) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", "scheduler.plan@1");
        m.put("tenantId", req.tenantId());
        m.put("trigger", req.trigger().wire());
        m.put("mode", req.mode().wire());
        m.put("selector", selector(req.selector()));
        m.put("purls", new ArrayList<>(new TreeSet<>(req.purls())));
        m.put("allImages", req.allImages());
        m.put("usageOnly", req.usageOnly());
        m.put("priorityPurls", new ArrayList<>(new TreeSet<>(req.priorityPurls())));
        m.put("scheduleId", req.scheduleId());
        m.put("retryOf", req.retryOf());
        m.put("segmentSize", segmentSize);
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("manualReason", req.reason().manualReason());
        reason.put("concelierExportId", req.reason().concelierExportId());
        reason.put("excititorExportId", req.reason().excititorExportId());
        reason.put("policyRevision", req.reason().policyRevision());
        m.put("reason", reason);
        if (uncapped != null) {
            m.put("maxJobs", req.maxJobs());
            m.put("uncappedTargets", uncapped);
        }
        m.put("segments", segments);
        return m;
    }

    public static String digest(Map<String, Object> document) {
        return CanonicalJson.sha256(document);
    }

    public static Map<String, Object> selector(Selector s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", s.scope().wire());
        m.put("tenantId", s.tenantId());
        m.put("namespaces", s.namespaces());
        m.put("repositories", s.repositories());
        m.put("digests", s.digests());
        m.put("includeTags", s.includeTags());
        List<Map<String, Object>> labels = new ArrayList<>();
        for (Selector.LabelFilter f : s.labels()) labels.add(Map.of("key", f.key(), "values", f.values()));
        m.put("labels", labels);
        m.put("resolvesTags", s.resolvesTags());
        return m;
    }
}
