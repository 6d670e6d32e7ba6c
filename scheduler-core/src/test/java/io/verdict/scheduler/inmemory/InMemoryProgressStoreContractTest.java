package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.ProgressStoreContract;
import io.verdict.scheduler.progress.ProgressStore;

class InMemoryProgressStoreContractTest extends ProgressStoreContract {
    @Override
    protected ProgressStore newStore() {
        return new InMemoryProgressStore();
    }
}
