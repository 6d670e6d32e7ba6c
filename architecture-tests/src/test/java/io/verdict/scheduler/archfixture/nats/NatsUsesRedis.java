package io.verdict.scheduler.archfixture.nats;

import io.verdict.scheduler.archfixture.redis.FakeRedisQueue;

/** Breaks rules 3 and 6: the NATS adapter reaching into the Redis adapter. */
public class NatsUsesRedis {
    private final FakeRedisQueue queue = new FakeRedisQueue();

    public void forward(String item) {
        queue.enqueue(item);
    }
}
