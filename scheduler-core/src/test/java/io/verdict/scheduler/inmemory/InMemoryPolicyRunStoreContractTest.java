package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.PolicyRunStoreContract;
import io.verdict.scheduler.policy.PolicyRunStore;

class InMemoryPolicyRunStoreContractTest extends PolicyRunStoreContract {
    @Override
    protected PolicyRunStore newStore() {
        return new InMemoryPolicyRunStore();
    }
}
