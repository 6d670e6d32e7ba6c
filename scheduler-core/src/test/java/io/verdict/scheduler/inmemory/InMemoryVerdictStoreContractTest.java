package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.VerdictStoreContract;
import io.verdict.scheduler.execution.VerdictStore;

class InMemoryVerdictStoreContractTest extends VerdictStoreContract {
    @Override
    protected VerdictStore newStore() {
        return new InMemoryVerdictStore();
    }
}
