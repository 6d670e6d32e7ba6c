package io.verdict.scheduler.archfixture.redis;

import io.verdict.scheduler.archfixture.queue.SegmentQueue;

/** An innocent adapter class implementing a core port. */
public class FakeRedisQueue implements SegmentQueue {
    @Override
    public void enqueue(String ref) {}
}
