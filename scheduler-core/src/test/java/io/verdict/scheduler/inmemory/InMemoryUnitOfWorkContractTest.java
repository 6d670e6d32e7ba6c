package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.UnitOfWorkContract;
import io.verdict.scheduler.tx.UnitOfWork;

/** The in-memory default: serialises blocks; cannot undo (and keeps nothing across a crash). */
class InMemoryUnitOfWorkContractTest extends UnitOfWorkContract {
    @Override
    protected Fixture newFixture() {
        return new Fixture(UnitOfWork.serial(), new InMemoryRunStore(), new InMemoryOutboxStore(), false);
    }
}
