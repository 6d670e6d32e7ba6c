package io.verdict.scheduler.canonical;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON: keys sorted (by UTF-16 code units, as RFC 8785), no insignificant whitespace, empty arrays
 * kept, nulls dropped from objects (so "null" and "missing" never mean two things). Plans, manifests and
 * queue payloads are digested in this form so identical inputs give identical bytes on every node.
 */
public final class CanonicalJson {
    private CanonicalJson() {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(256); // most documents (rows, envelopes) fit, so it seldom grows
        append(sb, value);
        return sb.toString();
    }

    public static byte[] bytes(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Hex SHA-256 of the canonical bytes, prefixed {@code sha256:}. */
    public static String sha256(Object value) {
        return "sha256:" + sha256Hex(bytes(value));
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void append(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Short s -> sb.append(s);
            case Double d -> number(sb, BigDecimal.valueOf(d));
            case Float f -> number(sb, BigDecimal.valueOf(f));
            case BigDecimal d -> number(sb, d);
            case Number n -> sb.append(n);
            case Instant i -> string(sb, i.toString());
            case Enum<?> e -> string(sb, e.toString());
            case Map<?, ?> m -> {
                TreeMap<String, Object> sorted = new TreeMap<>();
                m.forEach((k, val) -> {
                    if (val != null) sorted.put(String.valueOf(k), val);
                });
                sb.append('{');
                boolean first = true;
                for (var e : sorted.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    string(sb, e.getKey());
                    sb.append(':');
                    append(sb, e.getValue());
                }
                sb.append('}');
            }
            case Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) sb.append(',');
                    first = false;
                    append(sb, o);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void number(StringBuilder sb, BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        sb.append(s.scale() <= 0 ? s.toBigIntegerExact().toString() : s.toPlainString());
    }

    /**
     * Copies the runs between characters that need escaping in one append each: most strings (digests, purls,
     * IDs) need none, and a character-by-character append was the largest CPU cost of the race's workers.
     */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        int from = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            sb.append(s, from, i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
            from = i + 1;
        }
        sb.append(s, from, n);
        sb.append('"');
    }
}
