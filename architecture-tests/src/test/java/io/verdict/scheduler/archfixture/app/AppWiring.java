package io.verdict.scheduler.archfixture.app;

import io.verdict.scheduler.archfixture.mongo.FakeMongoStore;
import io.verdict.scheduler.archfixture.redis.FakeRedisQueue;

/** Allowed: app is where adapters are combined. */
public class AppWiring {
    public Object[] wire() {
        return new Object[] {new FakeMongoStore(), new FakeRedisQueue()};
    }
}
