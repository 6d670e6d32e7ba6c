package io.verdict.scheduler.archfixture.mongo;

/** An innocent adapter class. */
public class FakeMongoStore {
    public void save(String key) {}
}
