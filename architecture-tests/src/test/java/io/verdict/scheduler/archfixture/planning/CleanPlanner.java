package io.verdict.scheduler.archfixture.planning;

import io.verdict.scheduler.archfixture.impact.CleanIndex;
import org.roaringbitmap.RoaringBitmap;

import java.util.List;

/** Obeys every rule: core using the JDK, RoaringBitmap and another core package. */
public class CleanPlanner {
    public List<Integer> plan(CleanIndex index) {
        RoaringBitmap hits = index.hits();
        return List.of(hits.getCardinality());
    }
}
