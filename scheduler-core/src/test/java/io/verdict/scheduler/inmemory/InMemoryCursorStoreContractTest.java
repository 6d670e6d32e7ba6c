package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.CursorStoreContract;
import io.verdict.scheduler.intake.CursorStore;

class InMemoryCursorStoreContractTest extends CursorStoreContract {
    @Override
    protected CursorStore newStore() {
        return new InMemoryCursorStore();
    }
}
