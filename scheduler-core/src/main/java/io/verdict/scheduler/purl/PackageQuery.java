package io.verdict.scheduler.purl;

/**
 * What an advisory, preview or run names, read from one string: a purl with a version (that version), a purl
 * without one (every version of the package) or a purl whose version is a {@code vers:} range
 * ({@code pkg:deb/debian/openssl@vers:deb/>=1.1.1|<3.0.11-1~deb12u2}: the versions inside it). Qualifiers and
 * subpath never narrow a match (SPEC §2).
 */
public sealed interface PackageQuery {
    /** The package without version, as the index keys packages ({@link PackageUrl#packageKey()}). */
    String packageKey();

    /** The canonical spelling: equivalent inputs give the same string (used in plan documents). */
    String canonical();

    /** Whether an indexed version of {@link #packageKey()} is matched; null means "indexed without a version". */
    boolean matchesVersion(String version);

    record Exact(PackageUrl purl) implements PackageQuery {
        public String packageKey() {
            return purl.packageKey();
        }

        public String matchKey() {
            return purl.matchKey();
        }

        public String canonical() {
            return purl.matchKey();
        }

        public boolean matchesVersion(String version) {
            return version != null && version.equals(purl.version());
        }
    }

    record AnyVersion(PackageUrl purl) implements PackageQuery {
        public String packageKey() {
            return purl.packageKey();
        }

        public String canonical() {
            return purl.packageKey();
        }

        public boolean matchesVersion(String version) {
            return true;
        }
    }

    record InRange(PackageUrl purl, VersionRange range) implements PackageQuery {
        public String packageKey() {
            return purl.packageKey();
        }

        public String canonical() {
            return purl.packageKey() + '@' + range.canonical();
        }

        public boolean matchesVersion(String version) {
            return version != null && range.contains(version);
        }
    }

    /** Parses one query string; {@link PurlSyntaxException} names the component that is wrong. */
    static PackageQuery parse(String text) {
        PackageUrl purl = PackageUrl.parse(text);
        String version = purl.version();
        if (version == null) return new AnyVersion(purl);
        if (VersionRange.looksLikeRange(version)) {
            VersionRange range = VersionRange.parse(version);
            return new InRange(purl.withVersion(null), range);
        }
        return new Exact(purl);
    }

    /** A range query for a package named by a versionless purl. */
    static PackageQuery inRange(PackageUrl purl, VersionRange range) {
        return new InRange(purl.withVersion(null), range);
    }
}
