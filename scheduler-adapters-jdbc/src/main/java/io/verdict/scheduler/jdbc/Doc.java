package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored record as a JSON object. Written in the core's canonical form (sorted keys, nulls dropped), so equal
 * records give byte-identical text — which lets a compare-and-set match on the stored text itself. Instants keep
 * their full precision as ISO-8601 strings; numbers are read through {@link Number}.
 */
final class Doc {
    private final Map<String, Object> fields;

    private Doc(Map<String, Object> fields) {
        this.fields = fields;
    }

    static Doc create() {
        return new Doc(new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    static Doc parse(String json) {
        Object v = JsonReader.parse(json);
        if (!(v instanceof Map<?, ?> m)) throw new IllegalStateException("stored document is not a JSON object");
        return new Doc((Map<String, Object>) m);
    }

    @SuppressWarnings("unchecked")
    private static Doc of(Object v) {
        return v == null ? null : new Doc((Map<String, Object>) v);
    }

    Doc put(String key, Object value) {
        if (value instanceof Doc d) value = d.fields;
        if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Doc) {
            List<Object> raw = new ArrayList<>(list.size());
            for (Object o : list) raw.add(((Doc) o).fields);
            value = raw;
        }
        if (value != null) fields.put(key, value);
        return this;
    }

    /** A nested object as plain JSON values (maps, lists, strings, numbers), or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(String key) {
        Object v = fields.get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    String json() {
        return CanonicalJson.write(fields);
    }

    String string(String key) {
        Object v = fields.get(key);
        return v == null ? null : v.toString();
    }

    String required(String key) {
        String v = string(key);
        if (v == null) throw new IllegalStateException("stored document lacks " + key);
        return v;
    }

    int integer(String key) {
        Object v = fields.get(key);
        return v == null ? 0 : ((Number) v).intValue();
    }

    Integer optionalInteger(String key) {
        Object v = fields.get(key);
        return v == null ? null : ((Number) v).intValue();
    }

    Double optionalDouble(String key) {
        Object v = fields.get(key);
        return v == null ? null : ((Number) v).doubleValue();
    }

    long longValue(String key) {
        Object v = fields.get(key);
        return v == null ? 0L : ((Number) v).longValue();
    }

    boolean bool(String key) {
        return Boolean.TRUE.equals(fields.get(key));
    }

    Instant instant(String key) {
        String v = string(key);
        return v == null ? null : Instant.parse(v);
    }

    List<String> strings(String key) {
        Object raw = fields.get(key);
        if (raw == null) return List.of();
        List<?> list = (List<?>) raw;
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) out.add(o == null ? null : o.toString());
        return out;
    }

    Doc doc(String key) {
        return of(fields.get(key));
    }

    List<Doc> docs(String key) {
        Object raw = fields.get(key);
        if (raw == null) return List.of();
        List<Doc> out = new ArrayList<>();
        for (Object o : (List<?>) raw) out.add(of(o));
        return out;
    }

    /** A string map as a sorted list of {key, value} objects (label keys hold dots and slashes). */
    static List<Doc> pairs(Map<String, String> map) {
        List<Doc> out = new ArrayList<>(map.size());
        map.forEach((k, v) -> out.add(create().put("key", k).put("value", v)));
        return out;
    }

    Map<String, String> map(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Doc p : docs(key)) out.put(p.required("key"), p.string("value"));
        return out;
    }
}
