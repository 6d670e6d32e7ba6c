package io.verdict.scheduler.tx;

import java.util.function.Supplier;

/**
 * A unit of work over the stores of one storage: the state change and the outbound envelopes it causes are kept
 * together, so a crash between the two can neither lose the envelope nor send one for a change that did not happen.
 *
 * <p>What "together" means per adapter:
 * <ul>
 *   <li>JDBC: one database transaction bound to the calling thread; every store call inside the block joins it and
 *   the block returns only after the commit is durable (SQLite: the group fsync). A failure rolls back everything.</li>
 *   <li>MongoDB (no multi-document transactions on the servers we test against): the run write and the envelopes of
 *   the block are applied at its end as one single-document update of the run, which carries the envelopes until
 *   they are copied to the outbox. A failure before the end writes neither.</li>
 *   <li>In memory ({@link #serial()}): blocks run one at a time; nothing survives a crash anyway, and the core
 *   writes the state first so a refused write never publishes.</li>
 * </ul>
 * Blocks nest: an inner block joins the outer one. Callers write the state change first and publish its envelopes
 * last inside the block, and keep side effects that cannot be undone (metrics, console events) outside it.
 */
public interface UnitOfWork {
    <T> T inTransaction(Supplier<T> work);

    default void run(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code action} once the block open on this thread has committed (at once when none is open, or when the
     * adapter commits every call by itself). For side effects that must see the committed state — e.g. waking the
     * outbox dispatcher, which on another connection would not see the envelope before the commit. A block that
     * fails drops its actions.
     */
    default void afterCommit(Runnable action) {
        action.run();
    }

    /** Runs blocks one at a time in this process: the in-memory default. */
    static UnitOfWork serial() {
        return new SerialUnitOfWork();
    }
}
