package io.verdict.scheduler.archfixture.planning;

import io.verdict.scheduler.archfixture.mongo.FakeMongoStore;

/** Breaks rule 2 (and so rule 1): the core calling an adapter instead of a port. */
public class PlannerUsesMongo {
    public void persist(FakeMongoStore store) {
        store.save("run");
    }
}
