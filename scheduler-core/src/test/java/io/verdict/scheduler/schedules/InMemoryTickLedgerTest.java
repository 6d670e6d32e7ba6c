package io.verdict.scheduler.schedules;

import io.verdict.scheduler.inmemory.InMemoryTickLedger;

class InMemoryTickLedgerTest extends TickLedgerContract {
    @Override
    protected TickLedger ledger() {
        return new InMemoryTickLedger();
    }
}
