package io.verdict.scheduler.purl;

import java.util.Comparator;
import java.util.Locale;

/**
 * How one ecosystem orders its versions. Every scheme is total and never throws: a version its grammar does not
 * accept is ordered by {@link GenericVersions} instead, so a stray string can only land at a defined place, never
 * crash a range check.
 */
public interface VersionScheme extends Comparator<String> {
    String name();

    /** Whether two spellings denote the same version ({@code 1.0} and {@code 1.0.0} for maven, say). */
    default boolean same(String a, String b) {
        return compare(a, b) == 0;
    }

    /**
     * The scheme of a purl type or {@code vers:} scheme name: deb/ubuntu/debian → Debian policy, rpm → rpmvercmp,
     * maven → ComparableVersion, npm/cargo/golang/nuget/semver → SemVer 2.0, pypi → PEP 440, anything else → the
     * generic ordering.
     */
    static VersionScheme forType(String type) {
        return switch (type == null ? "" : type.toLowerCase(Locale.ROOT)) {
            case "deb", "debian", "ubuntu" -> DebianVersions.INSTANCE;
            case "rpm", "redhat", "fedora", "centos", "rhel", "suse", "opensuse" -> RpmVersions.INSTANCE;
            case "maven" -> MavenVersions.INSTANCE;
            case "npm", "cargo", "golang", "go", "nuget", "semver", "hex", "pub", "swift", "composer" -> SemVersions.INSTANCE;
            case "pypi", "pep440" -> Pep440Versions.INSTANCE;
            default -> GenericVersions.INSTANCE;
        };
    }
}
