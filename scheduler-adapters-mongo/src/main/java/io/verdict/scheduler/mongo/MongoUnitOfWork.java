package io.verdict.scheduler.mongo;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.tx.UnitOfWork;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The core's unit of work without multi-document transactions (mongo-java-server has none, and the adapter must not
 * need a replica set): inside a block, run writes and outbox appends of this storage are held back; at its end each
 * run is written with one version-checked single-document replace that also carries the block's envelopes of that
 * run (field {@code outboxPending}), then those envelopes are copied to the outbox and the field is cleared. A crash
 * after the replace leaves the envelopes in the run document, and the relay ({@link MongoOutboxStore#relayPending},
 * at start and on the dispatcher's polls) copies them — idempotent on their keys, so a copy made twice is stored once.
 * A failure before the end of the block writes neither. A lost version race surfaces at the end of the block as
 * {@link ConcurrentUpdateException}, with nothing written.
 *
 * <p>Envelopes of a block that writes no run (a batch's delta envelopes beside the delta store's bulk write) are
 * appended at the end of the block; a crash between the deltas and their envelopes is repaired by the segment's
 * redelivery, which re-sends the envelopes of deltas already recorded.
 */
final class MongoUnitOfWork implements UnitOfWork {
    private final ThreadLocal<Block> open = new ThreadLocal<>();
    private final MongoOutboxStore outbox;
    private MongoRunStore runs;

    MongoUnitOfWork(MongoOutboxStore direct) {
        this.outbox = direct;
    }

    void bind(MongoRunStore runs) {
        this.runs = runs;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        if (open.get() != null) return work.get(); // nested: joins the outer block
        Block block = new Block();
        open.set(block);
        T result;
        try {
            result = work.get();
        } finally {
            open.remove();
        }
        commit(block);
        for (Runnable action : block.afterCommit) action.run();
        return result;
    }

    @Override
    public void afterCommit(Runnable action) {
        Block b = open.get();
        if (b == null) {
            action.run();
        } else {
            b.afterCommit.add(action);
        }
    }

    /** Holds back a run write of the open block; false when no block is open on this thread. */
    boolean defer(Run updated) {
        Block b = open.get();
        if (b == null) return false;
        Run before = b.runs.get(updated.id());
        if (before != null && updated.version() != before.version() + 1) {
            throw new ConcurrentUpdateException("run " + updated.id());
        }
        b.expected.putIfAbsent(updated.id(), updated.version() - 1);
        b.runs.put(updated.id(), updated);
        return true;
    }

    /** Holds back outbox appends of the open block; false when no block is open on this thread. */
    boolean stage(String runId, List<EventEnvelope> envelopes, Instant now) {
        Block b = open.get();
        if (b == null) return false;
        List<Staged> list = b.envelopes.computeIfAbsent(runId, k -> new ArrayList<>());
        for (EventEnvelope e : envelopes) list.add(new Staged(e, now));
        return true;
    }

    private void commit(Block b) {
        for (Map.Entry<String, Run> e : b.runs.entrySet()) {
            List<Staged> carried = b.envelopes.remove(e.getKey());
            runs.write(e.getValue(), b.expected.get(e.getKey()), carried == null ? List.of() : carried);
            if (carried != null) outbox.relayRun(e.getKey());
        }
        // The rest in one batch (their order kept): one insert for the block, not a round trip per envelope.
        List<MongoOutboxStore.Append> rest = new ArrayList<>();
        for (Map.Entry<String, List<Staged>> e : b.envelopes.entrySet()) {
            for (Staged s : e.getValue()) rest.add(new MongoOutboxStore.Append(e.getKey(), s.envelope(), s.dueAt()));
        }
        outbox.appendNow(rest);
    }

    private static final class Block {
        final Map<String, Run> runs = new LinkedHashMap<>();
        final Map<String, Long> expected = new LinkedHashMap<>();
        final Map<String, List<Staged>> envelopes = new LinkedHashMap<>();
        final List<Runnable> afterCommit = new ArrayList<>();
    }

    /** An envelope held back until the end of the block, due at the time it was published. */
    record Staged(EventEnvelope envelope, Instant dueAt) {}
}
