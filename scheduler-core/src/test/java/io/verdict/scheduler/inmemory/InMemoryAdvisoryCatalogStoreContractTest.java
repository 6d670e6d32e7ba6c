package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.AdvisoryCatalogStoreContract;
import io.verdict.scheduler.intake.AdvisoryCatalogStore;

class InMemoryAdvisoryCatalogStoreContractTest extends AdvisoryCatalogStoreContract {
    @Override
    protected AdvisoryCatalogStore newStore() {
        return new InMemoryAdvisoryCatalogStore();
    }
}
