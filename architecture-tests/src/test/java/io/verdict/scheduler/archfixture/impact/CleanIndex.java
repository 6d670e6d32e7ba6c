package io.verdict.scheduler.archfixture.impact;

import org.roaringbitmap.RoaringBitmap;

/** Obeys every rule. */
public class CleanIndex {
    public RoaringBitmap hits() {
        return RoaringBitmap.bitmapOf(1, 2, 3);
    }
}
