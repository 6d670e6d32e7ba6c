package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.OutboxStoreContract;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryOutboxStoreContractTest extends OutboxStoreContract {
    @Override
    protected OutboxStore newOutbox() {
        return new InMemoryOutboxStore();
    }

    @Test
    void keepsOnlyTheNewestDeliveredEntriesButEveryPendingOne() {
        InMemoryOutboxStore small = new InMemoryOutboxStore(2);
        for (int i = 0; i < 5; i++) {
            OutboxEntry e = small.append("run-" + i, envelope("acme", "run-" + i, "scheduler.run.started", null), T0);
            small.delivered(e.id());
        }
        small.append("run-9", envelope("acme", "run-9", "scheduler.run.started", null), T0);
        assertThat(small.after("acme", 0, 100)).extracting(OutboxEntry::runId).containsExactly("run-3", "run-4", "run-9");
    }
}
