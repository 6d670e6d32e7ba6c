package io.verdict.scheduler.contracts;

import io.verdict.scheduler.policy.PolicyRun;
import io.verdict.scheduler.policy.PolicyRunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link PolicyRunStore} adapter must do: first-writer-wins records and the policy's last planned run. */
public abstract class PolicyRunStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    protected PolicyRunStore store;

    protected abstract PolicyRunStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    static PolicyRun run(String tenant, String id, PolicyRun.Mode mode, String runId, Instant at) {
        return new PolicyRun(tenant, id, "pol", 3, mode, List.of("sha256:" + "a".repeat(64)), runId,
                runId == null ? 42 : null, runId == null ? T0 : null, at, "corr-" + id);
    }

    @Test
    public void recordComesBackWithEveryFieldAndTheFirstWriterWins() {
        PolicyRun sim = run("acme", "p-1", PolicyRun.Mode.SIMULATE, null, T0);
        assertThat(store.insert(sim)).isTrue();
        assertThat(store.insert(run("acme", "p-1", PolicyRun.Mode.FULL, "run-x", T0))).isFalse();
        assertThat(store.find("acme", "p-1")).contains(sim);
        assertThat(store.find("globex", "p-1")).isEmpty();
        assertThat(store.insert(run("globex", "p-1", PolicyRun.Mode.FULL, "run-g", T0))).as("another tenant").isTrue();
    }

    @Test
    public void lastPlannedIsTheNewestRunThatPlannedSomething() {
        assertThat(store.lastPlanned("acme", "pol")).isEmpty();
        store.insert(run("acme", "p-1", PolicyRun.Mode.FULL, "run-1", T0));
        store.insert(run("acme", "p-2", PolicyRun.Mode.INCREMENTAL, "run-2", T0.plusSeconds(60)));
        store.insert(run("acme", "p-3", PolicyRun.Mode.SIMULATE, null, T0.plusSeconds(120)));
        store.insert(run("globex", "p-9", PolicyRun.Mode.FULL, "run-9", T0.plusSeconds(300)));
        assertThat(store.lastPlanned("acme", "pol").map(PolicyRun::policyRunId)).contains("p-2");
        assertThat(store.lastPlanned("acme", "other")).isEmpty();
    }
}
