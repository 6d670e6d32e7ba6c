package io.verdict.scheduler.purl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding as the purl specification uses it: UTF-8 bytes, upper-case hex, {@code +} is a plus (not a
 * space). Canonical output leaves only the unreserved characters and {@code :} bare (and {@code /} inside
 * qualifier values), so {@code 1%3A1.2.13} and {@code 1:1.2.13} are the same version and {@code %2B} the same as
 * {@code +}.
 */
final class PercentCodec {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCodec() {}

    static String decode(String s, String component) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) throw new PurlSyntaxException(component, "truncated percent-encoding at '" + s.substring(i) + "'");
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new PurlSyntaxException(component, "malformed percent-encoding '" + s.substring(i, i + 3) + "'");
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(Character.isHighSurrogate(c) && i + 1 < s.length()
                        ? new String(new char[] {c, s.charAt(++i)}) : String.valueOf(c)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        String decoded = out.toString(StandardCharsets.UTF_8);
        if (decoded.indexOf('\uFFFD') >= 0 && s.indexOf('\uFFFD') < 0) {
            throw new PurlSyntaxException(component, "percent-encoding is not valid UTF-8");
        }
        return decoded;
    }

    static String encode(String s, boolean slashSafe) {
        int i = 0;
        while (i < s.length() && bare(s.charAt(i), slashSafe)) i++;
        if (i == s.length()) return s;
        StringBuilder out = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (byte b : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && bare((char) c, slashSafe)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    private static boolean bare(char c, boolean slashSafe) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_' || c == '~' || c == ':' || (slashSafe && c == '/');
    }
}
