package io.verdict.scheduler.nats;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Turns tenant IDs, run IDs and lock names into NATS subject tokens, key-value keys and stream-name parts.
 * Those allow fewer characters than our IDs use ({@code .} separates tokens, {@code :} is not a valid key
 * character), so every byte outside {@code [A-Za-z0-9_-]} becomes {@code =XX} (hex of its UTF-8 byte): one
 * mapping that is valid in all three places, readable for ordinary IDs and never makes two IDs collide.
 */
final class NatsNames {
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9-]{1,32}");

    private NatsNames() {}

    /** A namespace names every stream and bucket of one scheduler deployment: letters, digits and '-'. */
    static String namespace(String ns) {
        if (ns == null || !NAMESPACE.matcher(ns).matches()) {
            throw new IllegalArgumentException("NATS namespace must be 1-32 letters, digits or '-' (got '" + ns + "')");
        }
        return ns;
    }

    static String token(String id) {
        if (id.isEmpty()) return "=";
        StringBuilder sb = new StringBuilder(id.length() + 8);
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append((char) c);
            } else {
                sb.append('=').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** The inverse of {@link #token}. */
    static String decode(String token) {
        if (token.equals("=")) return "";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '=' && i + 2 < token.length()) {
                out.write(Integer.parseInt(token.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
