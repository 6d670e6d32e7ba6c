package io.verdict.scheduler.runs;

import io.verdict.scheduler.impact.Selector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link PlanInputs} ⇄ plain JSON values (maps, lists, strings, numbers) for canonical JSON: one form for the
 * stores (which keep it as a document or a JSON string beside the run) and for the evidence manifest, so what a
 * bundle shows is exactly what was stored. Nulls are left out, as canonical JSON drops them anyway.
 */
public final class PlanInputsJson {
    private PlanInputsJson() {}

    public static Map<String, Object> toMap(PlanInputs p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("indexBuiltAt", p.indexBuiltAt() == null ? null : p.indexBuiltAt().toString());
        m.put("cursors", new TreeMap<>(p.cursors()));
        m.put("selector", selector(p.selector()));
        m.put("purls", new ArrayList<>(p.purls()));
        m.put("allImages", p.allImages());
        m.put("usageOnly", p.usageOnly());
        m.put("priorityPurls", new ArrayList<>(p.priorityPurls()));
        m.put("onlyIfLastReportOlderThanDays", p.onlyIfLastReportOlderThanDays());
        m.put("segmentSize", p.segmentSize());
        m.put("maxJobs", p.maxJobs());
        m.put("plannedAt", p.plannedAt().toString());
        m.put("idNonce", p.idNonce());
        m.put("cappedTargets", p.cappedTargets());
        m.put("priorityTargets", p.priorityTargets());
        return m;
    }

    /** Reads {@link #toMap}'s form back; throws {@link IllegalArgumentException} naming the field it cannot read. */
    public static PlanInputs fromMap(Map<String, Object> m) {
        try {
            return new PlanInputs(instant(m.get("indexBuiltAt")), stringMap(m.get("cursors")),
                    selector(map(m.get("selector"), "selector")), new java.util.TreeSet<>(strings(m.get("purls"))),
                    Boolean.TRUE.equals(m.get("allImages")), Boolean.TRUE.equals(m.get("usageOnly")),
                    new java.util.TreeSet<>(strings(m.get("priorityPurls"))),
                    integer(m.get("onlyIfLastReportOlderThanDays")), required(integer(m.get("segmentSize")), "segmentSize"),
                    integer(m.get("maxJobs")), required(instant(m.get("plannedAt")), "plannedAt"),
                    (String) m.get("idNonce"), strings(m.get("cappedTargets")), strings(m.get("priorityTargets")));
        } catch (ClassCastException | java.time.format.DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("plan inputs are malformed: " + e.getMessage(), e);
        }
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

    public static Selector selector(Map<String, Object> m) {
        String scope = (String) m.get("scope");
        List<Selector.LabelFilter> labels = new ArrayList<>();
        Object raw = m.get("labels");
        if (raw != null) {
            for (Object o : (List<?>) raw) {
                Map<String, Object> l = map(o, "selector.labels");
                labels.add(new Selector.LabelFilter((String) l.get("key"), strings(l.get("values"))));
            }
        }
        return new Selector(Selector.Scope.fromWire(scope)
                .orElseThrow(() -> new IllegalArgumentException("selector.scope '" + scope + "' is unknown")),
                (String) m.get("tenantId"), strings(m.get("namespaces")), strings(m.get("repositories")),
                strings(m.get("digests")), strings(m.get("includeTags")), labels,
                Boolean.TRUE.equals(m.get("resolvesTags")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String field) {
        if (!(o instanceof Map<?, ?>)) throw new IllegalArgumentException(field + " must be an object");
        return (Map<String, Object>) o;
    }

    private static List<String> strings(Object o) {
        if (o == null) return List.of();
        List<String> out = new ArrayList<>();
        for (Object v : (List<?>) o) out.add((String) v);
        return out;
    }

    private static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new TreeMap<>();
        if (o != null) ((Map<?, ?>) o).forEach((k, v) -> out.put((String) k, (String) v));
        return out;
    }

    private static Integer integer(Object o) {
        return o == null ? null : ((Number) o).intValue();
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse((String) o);
    }

    private static <T> T required(T v, String field) {
        if (v == null) throw new IllegalArgumentException("plan inputs lack " + field);
        return v;
    }
}
