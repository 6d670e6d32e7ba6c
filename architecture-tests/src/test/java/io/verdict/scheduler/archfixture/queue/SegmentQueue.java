package io.verdict.scheduler.archfixture.queue;

/** A fixture queue port. */
public interface SegmentQueue {
    void enqueue(String ref);
}
