package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.ScheduleStoreContract;
import io.verdict.scheduler.schedules.ScheduleStore;

class InMemoryScheduleStoreContractTest extends ScheduleStoreContract {
    @Override
    protected ScheduleStore newStore() {
        return new InMemoryScheduleStore();
    }
}
