package io.verdict.scheduler.archfixture.app;

import io.verdict.scheduler.archfixture.queue.SegmentQueue;

/** Breaks rule 6: wiring that keeps the core's queue port for itself. */
public class AppHoldsQueue {
    private SegmentQueue queue;

    public void hold(SegmentQueue queue) {
        this.queue = queue;
    }
}
