package io.verdict.scheduler.purl;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The specification's parsing procedure ("how to parse a purl string in its components"), right to left:
 * subpath after {@code #}, qualifiers after {@code ?}, scheme before {@code :}, type up to the first {@code /},
 * version after the {@code @} of the last path segment, name, namespace. Then the type's rules
 * ({@link PurlTypeRules}) normalise and validate.
 */
final class PurlParser {
    static final int MAX_LENGTH = 4096;

    private PurlParser() {}

    static PackageUrl parse(String purl) {
        if (purl == null || purl.isBlank()) throw new PurlSyntaxException("purl", "empty");
        if (purl.length() > MAX_LENGTH) throw new PurlSyntaxException("purl", "longer than " + MAX_LENGTH + " characters");
        String rest = purl.trim();

        String subpath = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            subpath = subpath(rest.substring(hash + 1));
            rest = rest.substring(0, hash);
        }
        Map<String, String> qualifiers = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            qualifiers = qualifiers(rest.substring(q + 1));
            rest = rest.substring(0, q);
        }
        int colon = rest.indexOf(':');
        if (colon < 0 || !rest.substring(0, colon).equalsIgnoreCase("pkg")) {
            throw new PurlSyntaxException("scheme", "must start with pkg:");
        }
        rest = rest.substring(colon + 1);
        int start = 0;
        while (start < rest.length() && rest.charAt(start) == '/') start++; // pkg://type is tolerated
        rest = rest.substring(start);
        int slash = rest.indexOf('/');
        if (slash <= 0) throw new PurlSyntaxException("type", "missing (expected pkg:<type>/<name>)");
        String type = rest.substring(0, slash);
        rest = rest.substring(slash + 1);
        int end = rest.length();
        while (end > 0 && rest.charAt(end - 1) == '/') end--;
        rest = rest.substring(0, end);

        String version = null;
        // A vers range in the version position ("@vers:deb/>=1.0|<2.0") carries its own slashes.
        // A vers range in the version position ("@vers:deb/>=1.0|<2.0") carries its own slashes; otherwise the
        // version is after an '@' in the last segment (an '@' before the last '/' is an npm scope).
        int vers = rest.indexOf("@vers:");
        int at = vers >= 0 ? vers : rest.lastIndexOf('@');
        if (vers < 0 && at < rest.lastIndexOf('/')) at = -1;
        if (at >= 0) {
            version = PercentCodec.decode(rest.substring(at + 1), "version");
            if (version.isEmpty()) throw new PurlSyntaxException("version", "empty after '@' (omit the '@' for any version)");
            rest = rest.substring(0, at);
        }
        int lastSlash = rest.lastIndexOf('/');
        String name = PercentCodec.decode(rest.substring(lastSlash + 1), "name");
        String namespace = lastSlash < 0 ? null : namespace(rest.substring(0, lastSlash));
        return build(type, namespace, name, version, qualifiers, subpath);
    }

    static PackageUrl build(String type, String namespace, String name, String version,
                            Map<String, String> qualifiers, String subpath) {
        if (type == null || type.isEmpty()) throw new PurlSyntaxException("type", "required");
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                throw new PurlSyntaxException("type", "'" + type + "' may hold only letters, digits, '.', '+', '-' and must not start with a digit");
            }
        }
        type = type.toLowerCase(Locale.ROOT);
        if (name == null || name.isEmpty()) throw new PurlSyntaxException("name", "required");
        if (namespace != null && namespace.isEmpty()) namespace = null;
        if (version != null && version.isEmpty()) version = null;
        TreeMap<String, String> sorted = new TreeMap<>();
        if (qualifiers != null) {
            for (Map.Entry<String, String> e : qualifiers.entrySet()) {
                String key = qualifierKey(e.getKey());
                if (e.getValue() == null || e.getValue().isEmpty()) continue;
                if (sorted.put(key, e.getValue()) != null) throw new PurlSyntaxException("qualifiers", "key '" + key + "' appears twice");
            }
        }
        if (subpath != null && subpath.isEmpty()) subpath = null;
        return PurlTypeRules.apply(new PackageUrl(type, namespace, name, version, sorted, subpath));
    }

    private static String qualifierKey(String key) {
        if (key == null || key.isEmpty()) throw new PurlSyntaxException("qualifiers", "empty key");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) throw new PurlSyntaxException("qualifiers", "key '" + key + "' may hold only letters, digits, '.', '-', '_' and must not start with a digit");
        }
        return key.toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> qualifiers(String s) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq < 0) throw new PurlSyntaxException("qualifiers", "'" + pair + "' is not key=value");
            String key = qualifierKey(pair.substring(0, eq));
            String value = PercentCodec.decode(pair.substring(eq + 1), "qualifiers");
            if (value.isEmpty()) continue;
            if (out.put(key, value) != null) throw new PurlSyntaxException("qualifiers", "key '" + key + "' appears twice");
        }
        return out;
    }

    private static String subpath(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (String segment : s.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) continue;
            String decoded = PercentCodec.decode(segment, "subpath");
            if (decoded.indexOf('/') >= 0) throw new PurlSyntaxException("subpath", "a segment may not contain an encoded '/'");
            if (b.length() > 0) b.append('/');
            b.append(decoded);
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static String namespace(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (String segment : s.split("/")) {
            if (segment.isEmpty()) continue;
            String decoded = PercentCodec.decode(segment, "namespace");
            if (decoded.indexOf('/') >= 0) throw new PurlSyntaxException("namespace", "a segment may not contain an encoded '/'");
            if (b.length() > 0) b.append('/');
            b.append(decoded);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
