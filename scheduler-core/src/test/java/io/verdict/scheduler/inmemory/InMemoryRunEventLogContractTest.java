package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.RunEventLogContract;
import io.verdict.scheduler.events.RunEventLog;

import java.time.Clock;

class InMemoryRunEventLogContractTest extends RunEventLogContract {
    @Override
    protected RunEventLog newLog() {
        return new InMemoryRunEventLog(Clock.systemUTC());
    }
}
