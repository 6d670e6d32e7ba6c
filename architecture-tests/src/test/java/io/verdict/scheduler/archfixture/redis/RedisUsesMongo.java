package io.verdict.scheduler.archfixture.redis;

import io.verdict.scheduler.archfixture.mongo.FakeMongoStore;

/** Breaks rule 3: one adapter reaching into another. */
public class RedisUsesMongo {
    private final FakeMongoStore store = new FakeMongoStore();

    public void mirror(String item) {
        store.save(item);
    }
}
