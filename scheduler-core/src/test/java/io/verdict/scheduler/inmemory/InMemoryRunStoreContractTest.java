package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.RunStoreContract;
import io.verdict.scheduler.runs.RunStore;

class InMemoryRunStoreContractTest extends RunStoreContract {
    @Override
    protected RunStore newStore() {
        return new InMemoryRunStore();
    }
}
