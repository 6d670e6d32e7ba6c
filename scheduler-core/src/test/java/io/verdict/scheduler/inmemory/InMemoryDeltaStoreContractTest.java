package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.DeltaStoreContract;
import io.verdict.scheduler.runs.DeltaStore;

class InMemoryDeltaStoreContractTest extends DeltaStoreContract {
    @Override
    protected DeltaStore newStore() {
        return new InMemoryDeltaStore();
    }
}
