package io.verdict.archfixture;

import io.verdict.scheduler.archfixture.mongo.FakeMongoStore;
import io.verdict.scheduler.archfixture.redis.FakeRedisQueue;

/** Breaks rule 4 only: wiring two adapters together outside app (it is not core, so rules 1 and 2 do not apply). */
public class RogueWiring {
    public Object[] wire() {
        return new Object[] {new FakeMongoStore(), new FakeRedisQueue()};
    }
}
