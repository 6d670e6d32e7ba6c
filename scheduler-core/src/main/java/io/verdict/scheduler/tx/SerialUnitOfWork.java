package io.verdict.scheduler.tx;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The in-memory unit of work: one block at a time (reentrant, so blocks nest). In-memory stores cannot roll back,
 * but they cannot fail half-way either, and they do not survive a crash: serialising is all that is left to do.
 */
final class SerialUnitOfWork implements UnitOfWork {
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
