package io.verdict.scheduler;

import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The role decides, in one place, what a scheduler process does. */
class SchedulerRoleTest {
    private static final Set<String> LEFT_PAD = Set.of("pkg:npm/left-pad@1.3.0");
    private final ManualClock clock = ManualClock.at("2025-10-26T14:05:11Z");
    private final Storage storage = Storage.inMemory(clock);

    private Scheduler scheduler(SchedulerRole role) {
        return Scheduler.builder().clock(clock).seed(1).storage(storage).role(role).instanceId(role.name()).build();
    }

    @Test
    void aWorkerExecutesButNeverLoadsTheIndexPlansOrTicks() {
        try (Scheduler seed = scheduler(SchedulerRole.ALL)) {
            TestEstate.images("acme", 10).forEach(seed::indexImage);
        }
        try (Scheduler worker = scheduler(SchedulerRole.WORKER)) {
            worker.start(2);
            assertThat(worker.workersRunning()).isTrue();
            assertThat(worker.cronRunning()).as("a worker never ticks cron").isFalse();
            assertThat(worker.indexedImages("acme")).as("nor loads the index").isZero();
            assertThatThrownBy(() -> worker.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, LEFT_PAD, null)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("role worker");
            assertThatThrownBy(worker::tick).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(worker::startCron).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anApiProcessPlansAndTicksAndRunsNoWorkers() {
        try (Scheduler seed = scheduler(SchedulerRole.ALL)) {
            TestEstate.images("acme", 10).forEach(seed::indexImage);
        }
        try (Scheduler api = scheduler(SchedulerRole.API)) {
            api.start(2);
            assertThat(api.cronRunning()).isTrue();
            assertThat(api.workersRunning()).as("api runs no workers").isFalse();
            assertThat(api.indexedImages("acme")).isEqualTo(10);
            assertThat(api.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, LEFT_PAD, null)).run().deduped()).isEqualTo(10);
            assertThatThrownBy(() -> api.startWorkers(1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void allDoesBoth() {
        try (Scheduler all = scheduler(SchedulerRole.ALL)) {
            all.start(1);
            assertThat(all.cronRunning()).isTrue();
            assertThat(all.workersRunning()).isTrue();
        }
    }

    @Test
    void anApiProcessPlansAndAWorkerProcessOnTheSameStoreAndQueueExecutes() throws Exception {
        var queue = new io.verdict.scheduler.inmemory.InMemorySegmentQueue(java.time.Clock.systemUTC());
        var locks = new io.verdict.scheduler.inmemory.InMemoryLockService(java.time.Clock.systemUTC());
        Storage shared = Storage.inMemory(java.time.Clock.systemUTC());
        try (Scheduler api = Scheduler.builder().storage(shared).queue(queue).locks(locks).role(SchedulerRole.API).instanceId("api").build();
             Scheduler worker = Scheduler.builder().storage(shared).queue(queue).locks(locks).role(SchedulerRole.WORKER).instanceId("worker").build()) {
            TestEstate.images("acme", 20).forEach(api::indexImage);
            api.start(2);
            worker.start(2);
            var run = api.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, LEFT_PAD, null)).run();
            var done = api.awaitTerminal("acme", run.id(), java.time.Duration.ofSeconds(20));
            assertThat(done.state()).isEqualTo(io.verdict.scheduler.runs.RunState.COMPLETED);
            assertThat(api.stats(done).completed()).isEqualTo(20);
        }
    }
}
