package io.verdict.scheduler.bench;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.impact.ImpactQuery;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.Selector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.roaringbitmap.RoaringBitmap;

import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Version-aware impact lookups (issue 10) over {@code images} images × 200–400 components drawn by popularity
 * from {@code packages} packages × 5 versions each (deb, npm, maven, pypi version syntaxes):
 * <ul>
 *   <li>{@code rangeOnePackage}: one {@code vers:deb} range on the most popular package (target ≤ 1 ms median);</li>
 *   <li>{@code mixedAdvisory}: a {@code deltaSize}-package advisory mixing exact purls, versionless purls and
 *       ranges (target ≤ 10 ms median), full resolution and the bitmap part alone.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class PurlRangeBenchmark {
    static final int VERSIONS = 5;

    @Param("100000")
    int images;

    @Param("10000")
    int packages;

    @Param("1000")
    int deltaSize;

    @Param({"popular", "uniform"})
    String delta;

    private ImpactIndex index;
    private ImpactQuery range;
    private ImpactQuery mixed;

    static String pkg(int p) {
        return switch (p % 4) {
            case 0 -> "pkg:deb/debian/package-" + p;
            case 1 -> "pkg:npm/package-" + p;
            case 2 -> "pkg:maven/org.example/package-" + p;
            default -> "pkg:pypi/package_" + p;
        };
    }

    static String scheme(int p) {
        return switch (p % 4) {
            case 0 -> "deb";
            case 1 -> "npm";
            case 2 -> "maven";
            default -> "pypi";
        };
    }

    static String version(int p, int v) {
        return switch (p % 4) {
            case 0 -> "1." + v + ".0-" + (v + 1) + "~deb12u" + v;
            case 1 -> "1." + v + ".0" + (v == 4 ? "-rc.1" : "");
            case 2 -> "2." + v + (v == 4 ? "-beta1" : "");
            default -> "3." + v + (v == 3 ? ".post1" : "");
        };
    }

    /** A range covering versions 1..3 of the package, in its own scheme's syntax. */
    static String range(int p) {
        return pkg(p) + "@vers:" + scheme(p) + "/>=" + version(p, 1) + "|<" + version(p, 4);
    }

    @Setup(Level.Trial)
    public void build() {
        long t0 = System.nanoTime();
        int distinct = packages * VERSIONS;
        Component[] catalogue = new Component[distinct];
        for (int r = 0; r < distinct; r++) {
            int p = r / VERSIONS;
            String purl = pkg(p) + "@" + version(p, r % VERSIONS);
            catalogue[r] = new Component(r % 5 == 0 ? purl + "?arch=amd64" : purl, r % 3 == 0);
        }
        SplittableRandom rnd = new SplittableRandom(20251201);
        ZipfSampler zipf = new ZipfSampler(distinct, 1.0);
        BitSet scratch = new BitSet(distinct);
        index = new ImpactIndex(Clock.systemUTC());
        long components = 0;
        for (int i = 0; i < images; i++) {
            int[] ranks = SyntheticFleet.distinctRanks(zipf, 200 + rnd.nextInt(201), rnd, scratch);
            List<Component> cs = new ArrayList<>(ranks.length);
            for (int r : ranks) cs.add(catalogue[r]);
            index.upsert(new ImageRecord(SyntheticFleet.TENANT, SyntheticFleet.digest(i), "registry.example.com",
                    "team-" + (i % 50) + "/service-" + (i % 2000), List.of("team-" + (i % 50)), List.of("latest"),
                    java.util.Map.of(), cs));
            components += ranks.length;
        }
        long built = System.nanoTime() - t0;

        range = ImpactQuery.forPurls(SyntheticFleet.TENANT, Set.of(range(0)), Selector.allImages(SyntheticFleet.TENANT), false);
        Set<String> purls = new LinkedHashSet<>();
        Set<Integer> chosen = new LinkedHashSet<>();
        ZipfSampler byPackage = new ZipfSampler(packages, 1.0);
        while (chosen.size() < deltaSize) chosen.add("popular".equals(delta) ? byPackage.next(rnd) : rnd.nextInt(packages));
        int k = 0;
        for (int p : chosen) {
            purls.add(switch (k++ % 3) {
                case 0 -> pkg(p) + "@" + version(p, rnd.nextInt(VERSIONS));
                case 1 -> pkg(p);
                default -> range(p);
            });
        }
        mixed = ImpactQuery.forPurls(SyntheticFleet.TENANT, purls, Selector.allImages(SyntheticFleet.TENANT), false);
        System.out.printf("%nfleet: %d images, %d components, %d packages x %d versions; built in %d ms%n"
                        + "range on the top package: %d images; %s %d-package mixed advisory: %d images%n",
                images, components, packages, VERSIONS, TimeUnit.NANOSECONDS.toMillis(built),
                index.resolve(range).total(), delta, deltaSize, index.resolve(mixed).total());
    }

    @Benchmark
    public ImpactSet rangeOnePackage() {
        return index.resolve(range);
    }

    @Benchmark
    public ImpactSet mixedAdvisory() {
        return index.resolve(mixed);
    }

    @Benchmark
    public RoaringBitmap mixedAdvisoryCandidates() {
        return index.candidates(mixed);
    }
}
