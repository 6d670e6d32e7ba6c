package io.verdict.scheduler.impact;

import io.verdict.scheduler.purl.PackageQuery;
import io.verdict.scheduler.purl.PackageUrl;
import io.verdict.scheduler.purl.PurlSyntaxException;

/**
 * Package URL helpers of the impact index. Matching is on the canonical purl without qualifiers
 * ({@code ?arch=amd64}) and subpath ({@code #lib}), because advisories name packages and versions, not build
 * variants; the canonical form ({@link PackageUrl}) makes {@code pkg:pypi/PyYAML@6.0} meet {@code pkg:pypi/pyyaml@6.0}.
 */
public final class Purls {
    private Purls() {}

    /**
     * How the index files one component: its match key, its package key and version (null package key when the
     * string is not a valid purl: it is then filed under {@link #normalize} and only an identical string finds it).
     */
    public record Key(String match, String packageKey, String version) {
        String versionOrEmpty() {
            return version == null ? "" : version;
        }
    }

    public static Key key(String purl) {
        try {
            PackageUrl p = PackageUrl.parse(purl);
            if (p.version() != null && p.version().regionMatches(true, 0, "vers:", 0, 5)) {
                return new Key(normalize(purl), null, null); // a range is a query, never an installed version
            }
            return new Key(p.matchKey(), p.packageKey(), p.version());
        } catch (PurlSyntaxException e) {
            return new Key(normalize(purl), null, null);
        }
    }

    /** The parsed query, or null when the string is not a valid purl or range. */
    public static PackageQuery query(String purl) {
        try {
            return PackageQuery.parse(purl);
        } catch (PurlSyntaxException e) {
            return null;
        }
    }

    /** The canonical spelling of a query string (purl, versionless purl or purl with a vers: range). */
    public static String canonical(String purl) {
        return PackageQuery.parse(purl).canonical();
    }

    /** The raw purl without qualifiers and subpath (the pre-canonical key, kept for strings that do not parse). */
    public static String normalize(String purl) {
        int cut = purl.length();
        int q = purl.indexOf('?');
        if (q >= 0) cut = q;
        int h = purl.indexOf('#');
        if (h >= 0 && h < cut) cut = h;
        return purl.substring(0, cut);
    }

    /** Whether the string is a package URL by the specification (see {@link PackageUrl#parse}). */
    public static boolean isValid(String purl) {
        if (purl == null) return false;
        try {
            PackageUrl.parse(purl);
            return true;
        } catch (PurlSyntaxException e) {
            return false;
        }
    }
}
