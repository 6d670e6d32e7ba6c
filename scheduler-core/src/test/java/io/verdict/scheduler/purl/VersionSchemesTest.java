package io.verdict.scheduler.purl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each ecosystem's order against the examples its own rules publish: Debian policy §5.6.12 and dpkg's version
 * tests, rpm's rpmvercmp.at cases, Maven's ComparableVersionTest ordered lists, semver.org §11, PEP 440's
 * "summary of permitted suffixes and relative ordering".
 */
class VersionSchemesTest {
    private static void ascending(VersionScheme s, List<String> versions) {
        for (int i = 0; i < versions.size(); i++) {
            for (int j = 0; j < versions.size(); j++) {
                int expected = Integer.compare(i, j);
                assertThat(Integer.signum(s.compare(versions.get(i), versions.get(j))))
                        .as("%s: %s vs %s", s.name(), versions.get(i), versions.get(j)).isEqualTo(expected);
            }
        }
    }

    private static void same(VersionScheme s, String a, String b) {
        assertThat(s.compare(a, b)).as("%s: %s = %s", s.name(), a, b).isZero();
        assertThat(s.compare(b, a)).as("%s: %s = %s", s.name(), b, a).isZero();
    }

    @Test
    void debianPolicyTildeBeforeEverythingEvenTheEnd() {
        ascending(DebianVersions.INSTANCE, List.of("1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"));
    }

    @Test
    void debianEpochUpstreamRevision() {
        ascending(DebianVersions.INSTANCE, List.of("1.0~rc1", "1.0", "1.0-1", "1.0-2", "1.0+b1", "1.1", "1.2.3", "2.30",
                "1:0.1", "1:2.4.47-2", "1:2.4.47-2+b1", "2:0"));
        ascending(DebianVersions.INSTANCE, List.of("3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "3.0.11-1", "3.0.11-1+deb12u1"));
        same(DebianVersions.INSTANCE, "0:1.2.3", "1.2.3");
        same(DebianVersions.INSTANCE, "1.0-0", "1.0");
        same(DebianVersions.INSTANCE, "1.001", "1.1");
    }

    @Test
    void rpmvercmpCases() {
        RpmVersions r = RpmVersions.INSTANCE;
        same(r, "1.0", "1.0");
        same(r, "1.0", "1_0");
        ascending(r, List.of("1.0", "2.0"));
        ascending(r, List.of("2.0", "2.0.1", "2.0.1a"));
        ascending(r, List.of("5.5p1", "5.5p2", "5.5p10"));
        ascending(r, List.of("10xyz", "10.1xyz"));
        ascending(r, List.of("xyz10", "xyz10.1"));
        ascending(r, List.of("2a", "2.0"));
        ascending(r, List.of("1.0~rc1~git123", "1.0~rc1", "1.0~rc2", "1.0", "1.0^", "1.0^git1", "1.01"));
        ascending(r, List.of("1.0^git1~pre", "1.0^git1"));
        ascending(r, List.of("1.0^20160101", "1.0.1"));
        ascending(r, List.of("1.2.3-1.el9", "1.2.3-2.el9", "1:1.0-1"));
    }

    @Test
    void mavenComparableVersionOrderedLists() {
        MavenVersions m = MavenVersions.INSTANCE;
        ascending(m, List.of("1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11",
                "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1",
                "1-1-snapshot", "1-1", "1-2", "1-123"));
        ascending(m, List.of("2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
                "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b",
                "11c", "11m"));
        same(m, "1", "1.0.0");
        same(m, "1-ga", "1");
        same(m, "1-final", "1");
        same(m, "1-cr1", "1-rc1");
        same(m, "1a1", "1-alpha-1");
        same(m, "1.0-RELEASE", "1.0");
    }

    @Test
    void semverPrecedenceFromSemverOrg() {
        ascending(SemVersions.INSTANCE, List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"));
        same(SemVersions.INSTANCE, "1.0.0+build.1", "1.0.0+build.2");
    }

    @Test
    void goPrefixAndPseudoVersions() {
        ascending(SemVersions.INSTANCE, List.of("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-aaaaaaaaaaaa",
                "v0.1.0", "v1.2.3", "v2.0.0+incompatible", "v2.0.1"));
        same(SemVersions.INSTANCE, "v1.2.3", "1.2.3");
    }

    @Test
    void pep440RelativeOrdering() {
        ascending(Pep440Versions.INSTANCE, List.of("1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
                "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0",
                "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1"));
        same(Pep440Versions.INSTANCE, "1.0", "1.0.0");
        same(Pep440Versions.INSTANCE, "1.0alpha1", "1.0a1");
        same(Pep440Versions.INSTANCE, "1.0-1", "1.0.post1");
        same(Pep440Versions.INSTANCE, "1!1.0", "1!1.0.0");
        ascending(Pep440Versions.INSTANCE, List.of("2024.1", "1!0.1"));
    }

    @Test
    void genericFallback() {
        ascending(GenericVersions.INSTANCE, List.of("1.0", "1.0.1", "1.1", "1.10", "2", "10"));
        ascending(GenericVersions.INSTANCE, List.of("1.1.1", "1.1.1g", "1.1.1h"));
    }

    @Test
    void typesMapToTheirScheme() {
        assertThat(VersionScheme.forType("deb")).isSameAs(DebianVersions.INSTANCE);
        assertThat(VersionScheme.forType("maven")).isSameAs(MavenVersions.INSTANCE);
        assertThat(VersionScheme.forType("npm")).isSameAs(SemVersions.INSTANCE);
        assertThat(VersionScheme.forType("golang")).isSameAs(SemVersions.INSTANCE);
        assertThat(VersionScheme.forType("pypi")).isSameAs(Pep440Versions.INSTANCE);
        assertThat(VersionScheme.forType("rpm")).isSameAs(RpmVersions.INSTANCE);
        assertThat(VersionScheme.forType("whatever")).isSameAs(GenericVersions.INSTANCE);
    }
}
