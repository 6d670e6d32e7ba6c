package io.verdict.scheduler.events.codec;

import io.verdict.scheduler.canonical.JsonReader;

import java.util.List;
import java.util.Map;

/** Typed access to a parsed JSON object, failing with the field's name when a stored payload is not what we wrote. */
public final class JsonFields {
    private final Map<String, Object> m;
    private final String what;

    public JsonFields(Map<String, Object> m, String what) {
        this.m = m;
        this.what = what;
    }

    public static JsonFields parse(String json, String what) {
        Object v = JsonReader.parse(json);
        if (!(v instanceof Map)) throw new IllegalArgumentException("expected a JSON object for " + what);
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
        return new JsonFields(m, what);
    }

    public String string(String k) {
        Object v = required(k);
        if (v instanceof String s) return s;
        throw wrong(k, "a string");
    }

    public String optString(String k) {
        Object v = m.get(k);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw wrong(k, "a string");
    }

    public int integer(String k) {
        Object v = required(k);
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return l.intValue();
        throw wrong(k, "an integer");
    }

    public long longValue(String k) {
        Object v = required(k);
        if (v instanceof Long l) return l;
        throw wrong(k, "an integer");
    }

    public boolean bool(String k) {
        Object v = required(k);
        if (v instanceof Boolean b) return b;
        throw wrong(k, "a boolean");
    }

    public List<?> list(String k) {
        Object v = required(k);
        if (v instanceof List<?> l) return l;
        throw wrong(k, "an array");
    }

    @SuppressWarnings("unchecked")
    public JsonFields object(String k) {
        Object v = required(k);
        if (v instanceof Map<?, ?> o) return new JsonFields((Map<String, Object>) o, what + "." + k);
        throw wrong(k, "an object");
    }

    private Object required(String k) {
        Object v = m.get(k);
        if (v == null) throw new IllegalArgumentException(what + ": missing field '" + k + "'");
        return v;
    }

    private IllegalArgumentException wrong(String k, String expected) {
        return new IllegalArgumentException(what + ": field '" + k + "' is not " + expected + ": " + m.get(k));
    }
}
