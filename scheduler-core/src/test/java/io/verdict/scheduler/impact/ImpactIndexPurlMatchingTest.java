package io.verdict.scheduler.impact;

import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.purl.PackageQuery;
import io.verdict.scheduler.purl.PackageUrl;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Equivalent purls meet, a versionless purl finds every version, a {@code vers:} range finds exactly the versions
 * inside it — checked by hand on the examples, then on a random estate against a naive reference that
 * compares every component of every image with the same comparators.
 */
class ImpactIndexPurlMatchingTest {
    private final ImpactIndex index = new ImpactIndex(new ManualClock(Instant.parse("2025-10-26T14:05:11Z")));

    private static String digest(int i) {
        return String.format("sha256:%064x", i);
    }

    private static ImageRecord image(String tenant, int i, String... purls) {
        List<Component> cs = new ArrayList<>();
        for (String p : purls) cs.add(new Component(p, false));
        return new ImageRecord(tenant, digest(i), "r", "repo", List.of("ns"), List.of("latest"), Map.of(), cs);
    }

    private List<String> hits(String... purls) {
        return index.resolve(ImpactQuery.forPurls("t", Set.of(purls), null, false)).images().stream()
                .map(ImpactedImage::imageDigest).toList();
    }

    @Test
    void equivalentSpellingsFindTheSameImages() {
        index.upsert(image("t", 1, "pkg:pypi/PyYAML@6.0", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64"));
        index.upsert(image("t", 2, "pkg:npm/@angular/core@16.0.0", "pkg:deb/debian/attr@1:2.4.47-2%2Bb1"));
        index.upsert(image("t", 3, "pkg:pypi/zope_interface@5.0"));

        assertThat(hits("pkg:pypi/pyyaml@6.0")).containsExactly(digest(1));
        assertThat(hits("pkg:PYPI/pyYAML@6.0")).containsExactly(digest(1));
        assertThat(hits("pkg:DEB/Debian/zlib1g@1%3A1.2.13.dfsg-1")).containsExactly(digest(1));
        assertThat(hits("pkg:npm/%40angular/core@16.0.0")).containsExactly(digest(2));
        assertThat(hits("pkg:deb/debian/attr@1:2.4.47-2+b1")).containsExactly(digest(2));
        assertThat(hits("pkg:pypi/zope.interface@5.0")).containsExactly(digest(3));
        assertThat(hits("pkg:pypi/zope-interface@5.0")).containsExactly(digest(3));
        assertThat(hits("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=arm64")).as("qualifiers are ignored")
                .containsExactly(digest(1));
    }

    @Test
    void aVersionlessPurlFindsEveryVersionAndForgetsRemovedOnes() {
        index.upsert(image("t", 1, "pkg:deb/debian/openssl@3.0.11-1~deb12u1"));
        index.upsert(image("t", 2, "pkg:deb/debian/openssl@1.1.1n-0+deb11u5"));
        index.upsert(image("t", 3, "pkg:deb/debian/openssl-provider-legacy@3.0.11-1"));
        index.upsert(image("u", 4, "pkg:deb/debian/openssl@3.0.11-1"));

        assertThat(hits("pkg:deb/debian/openssl")).containsExactly(digest(1), digest(2));
        assertThat(hits("pkg:deb/Debian/OpenSSL?arch=amd64")).containsExactly(digest(1), digest(2));
        index.remove("t", digest(1));
        assertThat(hits("pkg:deb/debian/openssl")).containsExactly(digest(2));
        index.upsert(image("t", 2, "pkg:deb/debian/curl@7.88.1-10"));
        assertThat(hits("pkg:deb/debian/openssl")).isEmpty();
    }

    @Test
    void aRangeFindsExactlyTheVersionsInsideIt() {
        index.upsert(image("t", 1, "pkg:deb/debian/openssl@3.0.11-1~deb12u1"));
        index.upsert(image("t", 2, "pkg:deb/debian/openssl@3.0.11-1~deb12u2"));
        index.upsert(image("t", 3, "pkg:deb/debian/openssl@1.1.0l-1~deb9u1"));
        index.upsert(image("t", 4, "pkg:deb/debian/openssl@1.1.1n-0+deb11u5"));
        index.upsert(image("t", 5, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"));
        index.upsert(image("t", 6, "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.0"));
        index.upsert(image("t", 7, "pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9"));

        assertThat(hits("pkg:deb/debian/openssl@vers:deb/>=1.1.1|<3.0.11-1~deb12u2")).containsExactly(digest(1), digest(4));
        assertThat(hits("pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0"))
                .containsExactly(digest(5), digest(7));
        assertThat(hits("pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0|<2.15.0"))
                .as("2.0-beta9 is before 2.0").containsExactly(digest(5));
    }

    /** A naive reference: every component of every image parsed and compared with the query. */
    @Test
    void randomizedAgainstANaiveReference() {
        SplittableRandom rnd = new SplittableRandom(42);
        String[] packages = {"pkg:deb/debian/openssl", "pkg:maven/org.example/lib", "pkg:npm/%40scope/pkg",
                "pkg:pypi/Some_Pkg", "pkg:generic/thing", "pkg:rpm/fedora/curl", "pkg:golang/github.com/x/y"};
        List<List<String>> estate = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            List<String> purls = new ArrayList<>();
            int n = 1 + rnd.nextInt(6);
            for (int k = 0; k < n; k++) purls.add(packages[rnd.nextInt(packages.length)] + '@' + version(rnd, packages.length));
            estate.add(purls);
            index.upsert(image("t", i, purls.toArray(String[]::new)));
        }
        for (int q = 0; q < 300; q++) {
            String pkg = packages[rnd.nextInt(packages.length)];
            String scheme = PackageUrl.parse(pkg).type();
            String query = switch (rnd.nextInt(4)) {
                case 0 -> pkg;
                case 1 -> pkg + '@' + version(rnd, 0);
                case 2 -> pkg + "@vers:" + scheme + "/>=" + version(rnd, 0) + "|<" + bump(rnd);
                default -> pkg + "@vers:" + scheme + "/<=" + version(rnd, 0);
            };
            PackageQuery parsed;
            try {
                parsed = PackageQuery.parse(query);
            } catch (IllegalArgumentException e) {
                continue; // a random range with the same version twice
            }
            TreeSet<String> expected = new TreeSet<>();
            for (int i = 0; i < estate.size(); i++) {
                for (String c : estate.get(i)) {
                    PackageUrl p = PackageUrl.parse(c);
                    if (!p.packageKey().equals(parsed.packageKey())) continue;
                    boolean match = parsed instanceof PackageQuery.Exact e ? e.matchKey().equals(p.matchKey())
                            : parsed.matchesVersion(p.version());
                    if (match) expected.add(digest(i));
                }
            }
            assertThat(hits(query)).as(query).containsExactlyElementsOf(expected);
        }
    }

    private static String version(SplittableRandom rnd, int salt) {
        String[] suffixes = {"", "", "-1", "-rc1", "~beta", ".post1", "a1", "-2"};
        return rnd.nextInt(3) + "." + rnd.nextInt(4) + (rnd.nextBoolean() ? "." + rnd.nextInt(3) : "")
                + suffixes[rnd.nextInt(suffixes.length)];
    }

    private static String bump(SplittableRandom rnd) {
        return (3 + rnd.nextInt(2)) + ".0";
    }
}
