package io.verdict.scheduler.mongo;

import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Reading and writing plain BSON fields by hand. Null values are left out of documents (a missing field reads
 * back as null), instants are BSON dates (millisecond precision), numbers are read through {@link Number} so
 * an int32 written by another tool still reads as a long.
 */
final class Fields {
    private Fields() {}

    static Document put(Document d, String key, Object value) {
        if (value != null) d.append(key, value);
        return d;
    }

    static Document putDate(Document d, String key, Instant value) {
        if (value != null) d.append(key, Date.from(value));
        return d;
    }

    static Date date(Instant value) {
        return value == null ? null : Date.from(value);
    }

    static Instant instant(Document d, String key) {
        Object v = d.get(key);
        if (v == null) return null;
        if (v instanceof Date date) return date.toInstant();
        throw new IllegalStateException("field " + key + " is not a date: " + v.getClass().getSimpleName());
    }

    static String string(Document d, String key) {
        Object v = d.get(key);
        return v == null ? null : v.toString();
    }

    static String requiredString(Document d, String key) {
        String v = string(d, key);
        if (v == null) throw new IllegalStateException("stored document " + d.get("_id") + " lacks " + key);
        return v;
    }

    static int integer(Document d, String key) {
        Object v = d.get(key);
        return v == null ? 0 : ((Number) v).intValue();
    }

    static Integer optionalInteger(Document d, String key) {
        Object v = d.get(key);
        return v == null ? null : ((Number) v).intValue();
    }

    static Double optionalDouble(Document d, String key) {
        Object v = d.get(key);
        return v == null ? null : ((Number) v).doubleValue();
    }

    static long longValue(Document d, String key) {
        Object v = d.get(key);
        return v == null ? 0L : ((Number) v).longValue();
    }

    static boolean bool(Document d, String key) {
        return Boolean.TRUE.equals(d.get(key));
    }

    static List<String> strings(Document d, String key) {
        List<?> raw = d.get(key, List.class);
        if (raw == null) return List.of();
        List<String> out = new ArrayList<>(raw.size());
        for (Object o : raw) out.add(o == null ? null : o.toString());
        return out;
    }

    static List<Document> documents(Document d, String key) {
        List<?> raw = d.get(key, List.class);
        if (raw == null) return List.of();
        List<Document> out = new ArrayList<>(raw.size());
        for (Object o : raw) out.add((Document) o);
        return out;
    }

    static Document document(Document d, String key) {
        return d.get(key, Document.class);
    }
}
