package io.verdict.scheduler.bench;

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
import org.roaringbitmap.FastAggregation;
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
 * An advisory delta of {@code deltaSize} purls against a fleet of {@code images} images with 200–400 components
 * each, drawn by popularity from {@code distinctPurls} packages. Measures the full resolution (union, tenant,
 * selector, sorted result list), the bitmap part alone ({@code candidates}), and a bare RoaringBitmap union of
 * the same per-purl bitmaps as the floor to compare them with.
 *
 * <p>{@code delta=popular} draws the delta's purls by popularity too (a feed export touching base-image
 * packages); {@code delta=uniform} draws them uniformly from the catalogue (mostly long-tail packages).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class ImpactLookupBenchmark {
    @Param("100000")
    int images;

    @Param("50000")
    int distinctPurls;

    @Param("1000")
    int deltaSize;

    @Param({"popular", "uniform"})
    String delta;

    private ImpactIndex index;
    private ImpactQuery query;
    private List<RoaringBitmap> deltaBitmaps;

    @Setup(Level.Trial)
    public void build() {
        long t0 = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(20251026);
        SyntheticFleet fleet = new SyntheticFleet(distinctPurls);
        ZipfSampler zipf = new ZipfSampler(distinctPurls, 1.0);
        index = new ImpactIndex(Clock.systemUTC());
        RoaringBitmap[] perPurl = new RoaringBitmap[distinctPurls];
        BitSet scratch = new BitSet(distinctPurls);
        long components = 0;
        for (int i = 0; i < images; i++) {
            int[] ranks = SyntheticFleet.distinctRanks(zipf, 200 + rnd.nextInt(201), rnd, scratch);
            ImageRecord image = fleet.image(i, ranks, rnd);
            index.upsert(image); // a fresh index hands out ordinals 0, 1, 2, ... in insertion order
            for (int r : ranks) {
                if (perPurl[r] == null) perPurl[r] = new RoaringBitmap();
                perPurl[r].add(i);
            }
            components += ranks.length;
        }

        Set<String> purls = new LinkedHashSet<>();
        deltaBitmaps = new ArrayList<>(deltaSize);
        scratch.clear();
        while (purls.size() < deltaSize) {
            int r = "popular".equals(delta) ? zipf.next(rnd) : rnd.nextInt(distinctPurls);
            if (scratch.get(r)) continue;
            scratch.set(r);
            purls.add(fleet.purl(r));
            if (perPurl[r] != null) deltaBitmaps.add(perPurl[r]);
        }
        query = ImpactQuery.forPurls(SyntheticFleet.TENANT, purls, Selector.allImages(SyntheticFleet.TENANT), false);

        ImpactSet check = index.resolve(query);
        int union = FastAggregation.or(deltaBitmaps.iterator()).getCardinality();
        if (check.total() != union) {
            throw new IllegalStateException("index resolved " + check.total() + " images, plain union has " + union);
        }
        System.out.printf("%nfleet: %d images, %d components (%.0f per image), %d distinct purls; built in %d ms%n"
                        + "delta=%s: %d purls (%d present in the fleet) impact %d images (%.1f%%)%n",
                images, components, (double) components / images, distinctPurls,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), delta, purls.size(), deltaBitmaps.size(),
                union, 100.0 * union / images);
    }

    /** Full resolution: union, tenant, selector, sorted {@code ImpactSet}. */
    @Benchmark
    public ImpactSet resolve() {
        return index.resolve(query);
    }

    /** The bitmap part of resolution: purl lookups, union, tenant intersection. */
    @Benchmark
    public RoaringBitmap candidates() {
        return index.candidates(query);
    }

    /** The floor: RoaringBitmap's own union of the same per-purl bitmaps, no lookups. */
    @Benchmark
    public RoaringBitmap roaringOr() {
        return FastAggregation.or(deltaBitmaps.iterator());
    }
}
