package io.verdict.scheduler.archfixture.app;

import io.verdict.scheduler.archfixture.Builder;
import io.verdict.scheduler.archfixture.mongo.FakeMongoStore;
import io.verdict.scheduler.archfixture.mongo.FakeMongoStorage;
import io.verdict.scheduler.archfixture.redis.FakeRedisQueue;

/** Allowed: app is where adapters are combined, handing their ports straight to the builder (rule 6 holds). */
public class AppWiring {
    public Object[] wire() {
        return new Object[] {new FakeMongoStore(), new FakeRedisQueue()};
    }

    public Builder build() {
        return new Builder().storage(new FakeMongoStorage().storage()).queue(new FakeRedisQueue());
    }
}
