package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.ImageStoreContract;
import io.verdict.scheduler.impact.ImageStore;

class InMemoryImageStoreContractTest extends ImageStoreContract {
    @Override
    protected ImageStore newStore() {
        return new InMemoryImageStore();
    }
}
