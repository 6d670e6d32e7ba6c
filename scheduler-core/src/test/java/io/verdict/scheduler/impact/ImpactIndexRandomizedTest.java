package io.verdict.scheduler.impact;

import io.verdict.scheduler.inmemory.ManualClock;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the bitmap index and the naive {@link ReferenceImpactIndex} through the same random history — upserts,
 * re-indexing of a digest with other components, removals (also of unknown images) — and checks after every
 * step that random queries give the same images, flags and totals, and that the build stamp moves exactly on
 * change. Seeds are fixed, so a failure names the seed and step that reproduce it.
 */
class ImpactIndexRandomizedTest {
    private static final int STEPS = 300;
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final List<String> NAMESPACES = List.of("team-a", "team-b", "prod", "dev", "ops");
    private static final List<String> REPOSITORIES =
            List.of("team-a/api", "team-a/web", "team-b/api", "team-b/worker", "libs/base", "edge", "edge-proxy");
    private static final List<String> TAGS = List.of("latest", "1.0", "1.0.1", "1.1", "2.0-rc1", "main", "v2", "v10");
    private static final List<String> LABEL_KEYS = List.of("env", "tier", "owner");
    private static final List<String> LABEL_VALUES = List.of("prod", "dev", "stage", "a", "b");
    private static final List<String> REPO_GLOBS =
            List.of("team-a/*", "*api", "team-?/api", "edge", "edge*", "*", "libs/base", "nomatch/*", "*/w*");
    private static final List<String> TAG_GLOBS = List.of("1.*", "latest", "v?", "*rc*", "v*", "?.?", "none");
    private static final List<String> DECORATIONS =
            List.of("", "", "", "?arch=amd64", "?arch=arm64&distro=debian-12", "#lib/sub", "?type=jar#src/main");

    private final List<String> basePurls = basePurls();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 1234, 98765, 20251026, -3, 555})
    void bitmapIndexAnswersLikeTheReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));
        ImpactIndex index = new ImpactIndex(clock);
        ReferenceImpactIndex ref = new ReferenceImpactIndex();
        List<String> digests = digests(rnd, 30);
        Instant stamp = index.builtAt();

        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + seed + " step " + step;
            clock.advance(Duration.ofSeconds(1));
            int op = rnd.nextInt(100);
            String tenant = pick(rnd, TENANTS);
            String digest = pick(rnd, digests);
            boolean changed;
            if (op < 65) {
                ImageRecord image = image(rnd, tenant, digest);
                index.upsert(image);
                ref.upsert(image);
                changed = true;
            } else {
                boolean removed = index.remove(tenant, digest);
                assertThat(removed).as(where + ": remove(%s, %s)", tenant, digest).isEqualTo(ref.remove(tenant, digest));
                changed = removed;
            }
            if (changed) stamp = clock.instant();
            assertThat(index.builtAt()).as(where + ": builtAt moves exactly on change").isEqualTo(stamp);

            assertThat(index.size()).as(where + ": size").isEqualTo(ref.size());
            for (String t : TENANTS) {
                assertThat(index.size(t)).as(where + ": size(%s)", t).isEqualTo(ref.size(t));
                assertThat(index.images(t)).as(where + ": images(%s)", t).isEqualTo(ref.images(t));
            }
            assertThat(index.image(tenant, digest).orElse(null)).as(where + ": image").isEqualTo(ref.image(tenant, digest));

            for (int q = 0; q < 4; q++) {
                ImpactQuery query = query(rnd, digests);
                String what = where + " query " + q + ": " + query;
                List<ImpactedImage> expected = ref.resolve(query);
                ImpactSet actual = index.resolve(query);
                assertThat(actual.images()).as(what).isEqualTo(expected);
                assertThat(actual.total()).as(what + " total").isEqualTo(expected.size());
                assertThat(actual.usageOnly()).as(what + " usageOnly").isEqualTo(query.usageOnly());
                assertThat(actual.indexBuiltAt()).as(what + " indexBuiltAt").isEqualTo(stamp);
                assertThat(actual.selector().tenantId()).as(what + " selector tenant").isEqualTo(query.tenantId());
                assertThat(index.candidates(query).getCardinality()).as(what + " candidates")
                        .isEqualTo(ref.candidateCount(query));
            }
        }
    }

    // ---- random data --------------------------------------------------------------------------------------

    private List<String> basePurls() {
        List<String> out = new ArrayList<>();
        String[] names = {"pkg:npm/lodash", "pkg:npm/%40angular/core", "pkg:deb/debian/openssl", "pkg:deb/debian/zlib1g",
                "pkg:maven/org.apache.logging.log4j/log4j-core", "pkg:pypi/requests", "pkg:golang/golang.org/x/net",
                "pkg:apk/alpine/musl", "pkg:cargo/serde", "pkg:gem/rails"};
        String[] versions = {"1.0.0", "1.0.1", "2.17.1", "3.0.11-1"};
        for (String n : names) for (String v : versions) out.add(n + "@" + v);
        return out;
    }

    private static List<String> digests(SplittableRandom rnd, int n) {
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < n) {
            StringBuilder sb = new StringBuilder("sha256:");
            for (int i = 0; i < 64; i++) sb.append(Character.forDigit(rnd.nextInt(16), 16));
            out.add(sb.toString());
        }
        return List.copyOf(out);
    }

    private ImageRecord image(SplittableRandom rnd, String tenant, String digest) {
        List<Component> components = new ArrayList<>();
        int n = rnd.nextInt(13);
        for (int i = 0; i < n; i++) {
            // The same package may appear twice (two build variants, one loaded by the entrypoint).
            components.add(new Component(purl(rnd), rnd.nextInt(10) < 3));
        }
        Map<String, String> labels = new HashMap<>();
        for (String k : LABEL_KEYS) if (rnd.nextBoolean()) labels.put(k, pick(rnd, LABEL_VALUES));
        return new ImageRecord(tenant, digest, rnd.nextBoolean() ? "registry.example.com" : "ghcr.io",
                rnd.nextInt(10) == 0 ? null : pick(rnd, REPOSITORIES), some(rnd, NAMESPACES, 2), some(rnd, TAGS, 3),
                labels, components);
    }

    private String purl(SplittableRandom rnd) {
        return pick(rnd, basePurls) + pick(rnd, DECORATIONS);
    }

    private ImpactQuery query(SplittableRandom rnd, List<String> digests) {
        String tenant = rnd.nextInt(20) == 0 ? "nobody" : pick(rnd, TENANTS);
        Selector selector = selector(rnd, tenant, digests);
        if (rnd.nextInt(100) < 15) {
            return new ImpactQuery(tenant, Set.of(), true, false, selector);
        }
        Set<String> purls = new LinkedHashSet<>();
        int n = rnd.nextInt(7);
        for (int i = 0; i < n; i++) purls.add(rnd.nextInt(15) == 0 ? "pkg:npm/unknown@0.0.1" : purl(rnd));
        return ImpactQuery.forPurls(tenant, purls, selector, rnd.nextInt(100) < 30);
    }

    private static Selector selector(SplittableRandom rnd, String tenant, List<String> digests) {
        Selector.Scope scope = Selector.Scope.values()[rnd.nextInt(Selector.Scope.values().length)];
        List<String> namespaces = scope == Selector.Scope.BY_NAMESPACE ? some1(rnd, NAMESPACES, 2) : List.of();
        List<String> repositories = scope == Selector.Scope.BY_REPOSITORY ? some1(rnd, REPO_GLOBS, 2) : List.of();
        List<String> ds = scope == Selector.Scope.BY_DIGEST ? some1(rnd, digests, 6) : List.of();
        List<Selector.LabelFilter> labels = scope == Selector.Scope.BY_LABELS || rnd.nextInt(8) == 0
                ? labelFilters(rnd) : List.of();
        // Secondary filters narrow any scope.
        List<String> tags = rnd.nextInt(4) == 0 ? some1(rnd, TAG_GLOBS, 2) : List.of();
        if (scope != Selector.Scope.BY_NAMESPACE && rnd.nextInt(8) == 0) namespaces = some1(rnd, NAMESPACES, 2);
        return new Selector(scope, rnd.nextBoolean() ? tenant : null, namespaces, repositories, ds, tags, labels,
                rnd.nextBoolean());
    }

    private static List<Selector.LabelFilter> labelFilters(SplittableRandom rnd) {
        List<Selector.LabelFilter> out = new ArrayList<>();
        int n = 1 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
            out.add(new Selector.LabelFilter(pick(rnd, LABEL_KEYS), some(rnd, LABEL_VALUES, 2)));
        }
        return out;
    }

    private static <T> T pick(SplittableRandom rnd, List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    /** 0..max distinct elements. */
    private static <T> List<T> some(SplittableRandom rnd, List<T> from, int max) {
        Set<T> out = new LinkedHashSet<>();
        int n = rnd.nextInt(max + 1);
        for (int i = 0; i < n; i++) out.add(pick(rnd, from));
        return List.copyOf(out);
    }

    /** 1..max distinct elements: the primary field of a scope must not be empty. */
    private static <T> List<T> some1(SplittableRandom rnd, List<T> from, int max) {
        Set<T> out = new LinkedHashSet<>();
        int n = 1 + rnd.nextInt(max);
        for (int i = 0; i < n; i++) out.add(pick(rnd, from));
        return List.copyOf(out);
    }
}
