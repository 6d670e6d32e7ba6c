package io.verdict.scheduler.impact;

/**
 * Package URL helpers. Matching is on the purl without qualifiers ({@code ?arch=amd64}) and subpath
 * ({@code #lib}) by default, because advisories name packages and versions, not build variants.
 */
public final class Purls {
    private Purls() {}

    public static String normalize(String purl) {
        int cut = purl.length();
        int q = purl.indexOf('?');
        if (q >= 0) cut = q;
        int h = purl.indexOf('#');
        if (h >= 0 && h < cut) cut = h;
        return purl.substring(0, cut);
    }

    /** Cheap structural check: {@code pkg:<type>/<name>}. */
    public static boolean isValid(String purl) {
        if (purl == null || !purl.startsWith("pkg:")) return false;
        int slash = purl.indexOf('/', 4);
        return slash > 4 && slash < purl.length() - 1;
    }
}
