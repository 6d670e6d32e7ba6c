package io.verdict.scheduler.impact;

import io.verdict.scheduler.inmemory.ManualClock;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results covering most of a tenant, against the naive {@link ReferenceImpactIndex}: a base package in every
 * image (mostly, or always, loaded by the entrypoint), advisories naming more common packages than the index
 * tries one by one, images only the long tail reaches, a second small tenant interleaved in digest order, and
 * images re-indexed with other tags and components, removed and added between queries.
 */
class ImpactIndexLargeResultTest {
    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";
    private static final String BASE = "pkg:deb/debian/libc6@2.36";
    private static final int COMMON = 120;
    private static final int TAIL = 300;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 2025})
    void largeResultsMatchTheReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ImpactIndex index = new ImpactIndex(new ManualClock(Instant.parse("2025-10-26T14:05:11Z")));
        ReferenceImpactIndex ref = new ReferenceImpactIndex();
        List<String> acme = new ArrayList<>();
        for (int i = 0; i < 1000; i++) acme.add(digest(rnd));
        for (String d : acme) put(index, ref, image(rnd, ACME, d, 0.97));
        for (int i = 0; i < 20; i++) put(index, ref, image(rnd, GLOBEX, digest(rnd), 0.97));

        check(index, ref, rnd, "loaded");

        // Same digests with other tags and components: membership unchanged, so the kept digest order must
        // show the new rows.
        for (int i = 0; i < 60; i++) put(index, ref, image(rnd, ACME, acme.get(rnd.nextInt(acme.size())), 0.5));
        check(index, ref, rnd, "re-indexed");

        for (int i = 0; i < 40; i++) {
            String d = acme.remove(rnd.nextInt(acme.size()));
            assertThat(index.remove(ACME, d)).isEqualTo(ref.remove(ACME, d));
        }
        for (int i = 0; i < 40; i++) {
            String d = digest(rnd);
            acme.add(d);
            put(index, ref, image(rnd, ACME, d, 1.0));
        }
        check(index, ref, rnd, "removed and added");

        // Every image's base package now loaded by its entrypoint.
        for (String d : acme) put(index, ref, withBaseUsed(ref.image(ACME, d)));
        check(index, ref, rnd, "base always used");
    }

    private static void check(ImpactIndex index, ReferenceImpactIndex ref, SplittableRandom rnd, String when) {
        List<ImpactQuery> queries = new ArrayList<>();
        for (boolean usageOnly : new boolean[] {false, true}) {
            queries.add(ImpactQuery.forPurls(ACME, Set.of(BASE), null, usageOnly));
            queries.add(ImpactQuery.forPurls(ACME, purls(rnd, 70, 0), null, usageOnly)); // more common ones than tried one by one
            queries.add(ImpactQuery.forPurls(ACME, purls(rnd, 70, 40), null, usageOnly));
            queries.add(ImpactQuery.forPurls(ACME, purls(rnd, 0, 60), null, usageOnly)); // the long tail only
            Set<String> mixed = new LinkedHashSet<>(purls(rnd, 20, 10));
            mixed.add(BASE);
            queries.add(ImpactQuery.forPurls(ACME, mixed, Selector.byNamespace(ACME, "team-1", "team-2"), usageOnly));
            queries.add(ImpactQuery.forPurls(GLOBEX, mixed, null, usageOnly));
        }
        queries.add(ImpactQuery.allImages(ACME, null));
        for (ImpactQuery q : queries) {
            List<ImpactedImage> expected = ref.resolve(q);
            ImpactSet actual = index.resolve(q);
            String what = when + ": " + q.tenantId() + " " + q.purls().size() + " purls, usageOnly " + q.usageOnly()
                    + ", " + q.selector().scope();
            assertThat(actual.images()).as(what).isEqualTo(expected);
            assertThat(actual.total()).as(what + " total").isEqualTo(expected.size());
            assertThat(index.candidates(q).getCardinality()).as(what + " candidates").isEqualTo(ref.candidateCount(q));
        }
    }

    private static void put(ImpactIndex index, ReferenceImpactIndex ref, ImageRecord image) {
        index.upsert(image);
        ref.upsert(image);
    }

    private static ImageRecord image(SplittableRandom rnd, String tenant, String digest, double baseUsed) {
        List<Component> components = new ArrayList<>();
        components.add(new Component(BASE, rnd.nextDouble() < baseUsed));
        // One image in ten holds only long-tail packages besides the base: the common ones never cover the tenant.
        boolean tailOnly = rnd.nextInt(10) == 0;
        for (int i = 0; i < COMMON; i++) {
            if (!tailOnly && rnd.nextInt(2) == 0) components.add(new Component(common(i), rnd.nextInt(10) < 3));
        }
        for (int i = 0; i < 4; i++) components.add(new Component(tail(rnd.nextInt(TAIL)), rnd.nextInt(10) < 3));
        int team = rnd.nextInt(4);
        return new ImageRecord(tenant, digest, "registry.example.com", "team-" + team + "/svc",
                List.of("team-" + team), List.of("1." + rnd.nextInt(5)), null, components);
    }

    private static ImageRecord withBaseUsed(ImageRecord r) {
        List<Component> components = new ArrayList<>(r.components());
        components.set(0, new Component(BASE, true));
        return new ImageRecord(r.tenantId(), r.digest(), r.registry(), r.repository(), r.namespaces(), r.tags(),
                r.labels(), components);
    }

    private static Set<String> purls(SplittableRandom rnd, int common, int tail) {
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < common) out.add(common(rnd.nextInt(COMMON)));
        Set<String> tails = new LinkedHashSet<>();
        while (tails.size() < tail) tails.add(tail(rnd.nextInt(TAIL)));
        out.addAll(tails);
        return out;
    }

    private static String common(int i) {
        return "pkg:npm/common-" + i + "@1.0." + (i % 3);
    }

    private static String tail(int i) {
        return "pkg:pypi/tail-" + i + "@0." + (i % 5);
    }

    private static String digest(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder("sha256:");
        for (int i = 0; i < 64; i++) sb.append(Character.forDigit(rnd.nextInt(16), 16));
        return sb.toString();
    }
}
