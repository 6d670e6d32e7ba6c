package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.SegmentStoreContract;
import io.verdict.scheduler.runs.SegmentStore;

class InMemorySegmentStoreContractTest extends SegmentStoreContract {
    @Override
    protected SegmentStore newStore() {
        return new InMemorySegmentStore();
    }
}
