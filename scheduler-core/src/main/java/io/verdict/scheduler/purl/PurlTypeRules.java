package io.verdict.scheduler.purl;

import java.util.Locale;
import java.util.Set;

/**
 * Per-type rules of purl-spec {@code PURL-TYPES}: which types' namespace or name are case-insensitive (and so
 * lower-cased in the canonical form), pypi's {@code _} → {@code -}, npm's naming rules. Types not listed keep
 * their case (maven, cargo, gem, golang, …), as the specification says.
 */
final class PurlTypeRules {
    private static final Set<String> LOWER_NAMESPACE = Set.of(
            "alpm", "apk", "bitbucket", "composer", "deb", "github", "gitlab", "hex", "luarocks", "npm", "qpkg", "rpm");
    private static final Set<String> LOWER_NAME = Set.of(
            "alpm", "apk", "bitbucket", "bitnami", "composer", "deb", "github", "gitlab", "hex", "npm", "oci", "pub",
            "pypi");

    private PurlTypeRules() {}

    static PackageUrl apply(PackageUrl p) {
        String type = p.type();
        String namespace = p.namespace();
        String name = p.name();
        String version = p.version();
        if (namespace != null && LOWER_NAMESPACE.contains(type)) namespace = namespace.toLowerCase(Locale.ROOT);
        if (LOWER_NAME.contains(type)) name = name.toLowerCase(Locale.ROOT);
        switch (type) {
            case "pypi" -> name = name.replace('_', '-');
            case "huggingface" -> version = version == null ? null : version.toLowerCase(Locale.ROOT);
            case "npm" -> npm(namespace, name);
            default -> { }
        }
        if (namespace == p.namespace() && name == p.name() && version == p.version()) return p;
        return new PackageUrl(type, namespace, name, version, p.qualifiers(), p.subpath());
    }

    /**
     * The name as the index compares it: pypi names folded per PEP 503 (runs of {@code -_.} become one {@code -}),
     * NuGet IDs case-insensitively, as those registries themselves resolve them.
     */
    static String matchName(String type, String name) {
        return switch (type) {
            case "pypi" -> pep503(name);
            case "nuget" -> name.toLowerCase(Locale.ROOT);
            default -> name;
        };
    }

    /** PEP 503 normalisation: every run of {@code -}, {@code _} and {@code .} becomes one {@code -}. */
    private static String pep503(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean inRun = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isSep(c)) {
                if (!inRun) b.append('-');
                inRun = true;
            } else {
                b.append(c);
                inRun = false;
            }
        }
        return b.toString();
    }

    private static boolean isSep(char c) {
        return c == '-' || c == '_' || c == '.';
    }

    private static void npm(String scope, String name) {
        if (name.startsWith(".") || name.startsWith("_")) throw new PurlSyntaxException("name", "an npm name may not start with '.' or '_'");
        if (!npmSafe(name, false)) throw new PurlSyntaxException("name", "an npm name holds only URL-safe characters (a-z 0-9 - . _ ~)");
        if (scope != null && (scope.indexOf('/') >= 0 || !npmSafe(scope, true))) {
            throw new PurlSyntaxException("namespace", "an npm scope is one segment of URL-safe characters, such as @angular");
        }
    }

    private static boolean npmSafe(String s, boolean scope) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
                    || c == '~' || (scope && i == 0 && c == '@');
            if (!ok) return false;
        }
        return true;
    }
}
