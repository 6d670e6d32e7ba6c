package io.verdict.scheduler.purl;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A parsed package URL (purl-spec {@code PURL-SPECIFICATION}, ECMA-427): every component percent-decoded and
 * normalised by the rules of its type, so two purls that name the same package compare equal as records and
 * print the same {@link #canonical()} string.
 *
 * <p>{@code namespace}, {@code version} and {@code subpath} are null when absent; {@code qualifiers} is never null
 * (sorted by key, empty values dropped).
 */
public record PackageUrl(String type, String namespace, String name, String version,
                         SortedMap<String, String> qualifiers, String subpath) {
    public PackageUrl {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        qualifiers = qualifiers == null || qualifiers.isEmpty()
                ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(qualifiers));
    }

    /** Parses and canonicalises; {@link PurlSyntaxException} names the component that is wrong. */
    public static PackageUrl parse(String purl) {
        return PurlParser.parse(purl);
    }

    /**
     * Builds from components the way the specification's "build" tests do: the same type rules apply as when
     * parsing (e.g. a pypi name is lower-cased and {@code _} becomes {@code -}).
     */
    public static PackageUrl of(String type, String namespace, String name, String version,
                                Map<String, String> qualifiers, String subpath) {
        return PurlParser.build(type, namespace, name, version, qualifiers, subpath);
    }

    public PackageUrl withVersion(String newVersion) {
        return new PackageUrl(type, namespace, name, newVersion, qualifiers, subpath);
    }

    /** The canonical string form (specification's "how to build a purl string"). */
    public String canonical() {
        StringBuilder b = new StringBuilder(64);
        appendPackage(b, false);
        if (version != null) b.append('@').append(PercentCodec.encode(version, false));
        if (!qualifiers.isEmpty()) {
            char sep = '?';
            for (Map.Entry<String, String> q : qualifiers.entrySet()) {
                b.append(sep).append(q.getKey()).append('=').append(PercentCodec.encode(q.getValue(), true));
                sep = '&';
            }
        }
        if (subpath != null) {
            b.append('#');
            String[] segments = subpath.split("/");
            for (int i = 0; i < segments.length; i++) {
                if (i > 0) b.append('/');
                b.append(PercentCodec.encode(segments[i], false));
            }
        }
        return b.toString();
    }

    /**
     * What the impact index keys a package by: {@code pkg:type/namespace/name} with no version, qualifiers or
     * subpath, and with the matching folds a registry applies beyond the canonical form (PEP 503 for pypi, case
     * for nuget), so every spelling of one package meets.
     */
    public String packageKey() {
        StringBuilder b = new StringBuilder(48);
        appendPackage(b, true);
        return b.toString();
    }

    /** {@link #packageKey()} plus {@code @version} when there is one: the exact-match key. */
    public String matchKey() {
        String p = packageKey();
        return version == null ? p : p + '@' + PercentCodec.encode(version, false);
    }

    private void appendPackage(StringBuilder b, boolean forMatching) {
        b.append("pkg:").append(type).append('/');
        if (namespace != null) {
            for (String segment : namespace.split("/")) b.append(PercentCodec.encode(segment, false)).append('/');
        }
        b.append(PercentCodec.encode(forMatching ? PurlTypeRules.matchName(type, name) : name, false));
    }

    @Override
    public String toString() {
        return canonical();
    }
}
