package io.verdict.scheduler.archfixture.redis;

/** An innocent adapter class. */
public class FakeRedisQueue {
    public void push(String item) {}
}
