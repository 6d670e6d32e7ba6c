package io.verdict.scheduler.archfixture.mongo;

import io.verdict.scheduler.archfixture.Storage;

/** An adapter factory: builds the core's storage bundle from its stores. */
public class FakeMongoStorage {
    public Storage storage() {
        return new Storage(id -> { });
    }
}
