package io.verdict.scheduler.schedules;

import io.verdict.scheduler.inmemory.ManualClock;

import io.verdict.scheduler.errors.PlannerLockHeldException;
import io.verdict.scheduler.errors.StaleIndexException;
import io.verdict.scheduler.inmemory.InMemoryLockService;
import io.verdict.scheduler.inmemory.InMemoryScheduleStore;
import io.verdict.scheduler.inmemory.InMemoryTickLedger;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.schedules.Schedule.DstPolicy;
import io.verdict.scheduler.schedules.TickDecision.Outcome;
import io.verdict.scheduler.schedules.TickerFixture.CountingFirer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.verdict.scheduler.schedules.TickerFixture.schedule;
import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTickerTest {
    private final ManualClock clock = ManualClock.at("2025-01-01T00:00:00Z");
    private final InMemoryScheduleStore store = new InMemoryScheduleStore();
    private final InMemoryTickLedger ledger = new InMemoryTickLedger();
    private final InMemoryLockService locks = new InMemoryLockService(clock);
    private final CountingFirer firer = new CountingFirer();

    private ScheduleTicker ticker(String instance) {
        return ticker(instance, firer, ActiveRuns.NONE, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT);
    }

    private ScheduleTicker ticker(String instance, ScheduleFirer f, ActiveRuns active, OnlyIfCondition onlyIf,
                                  TickerSettings settings) {
        return new ScheduleTicker(store, ledger, locks, f, active, onlyIf, settings, instance);
    }

    private TickReport tickAt(ScheduleTicker t, String instant) {
        clock.set(Instant.parse(instant));
        return t.tick(clock.instant());
    }

    private List<TickDecision> history(String scheduleId) {
        return ledger.list("t1", scheduleId, null, 1000);
    }

    @Test
    void firesEachFireTimeOnceAndRecordsTheRun() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:05:00Z")));
        ScheduleTicker t = ticker("node-a");

        assertThat(tickAt(t, "2025-01-01T00:30:00Z").decisions()).isEmpty();
        TickReport atOne = tickAt(t, "2025-01-01T01:00:10Z");
        assertThat(atOne.decisions()).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo(Outcome.FIRED);
            assertThat(d.fireTime()).isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
            assertThat(d.runId()).isEqualTo("run-1");
            assertThat(d.decidedBy()).isEqualTo("node-a");
            assertThat(d.detail()).contains("run-1");
        });
        assertThat(tickAt(t, "2025-01-01T01:00:40Z").decisions()).isEmpty();
        assertThat(tickAt(t, "2025-01-01T02:00:05Z").decisions()).extracting(TickDecision::fireTime)
                .containsExactly(Instant.parse("2025-01-01T02:00:00Z"));
        assertThat(firer.total).hasValue(2);
        assertThat(history("sch-1")).extracting(TickDecision::outcome).containsExactly(Outcome.FIRED, Outcome.FIRED);
        assertThat(ledger.lastFireTime("t1", "sch-1")).contains(Instant.parse("2025-01-01T02:00:00Z"));
    }

    @Test
    void aNewScheduleDoesNotFireForTimesBeforeItExisted() {
        store.insert(schedule("sch-1", "0 10 * * *", "UTC", Instant.parse("2025-01-01T10:30:00Z")));
        assertThat(tickAt(ticker("node-a"), "2025-01-01T10:31:00Z").decisions()).isEmpty();
        assertThat(firer.total).hasValue(0);
    }

    @Test
    void catchUpAfterThreeDaysOfDowntimeFiresOnceAndRecordsTheRestAsMissed() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2024-12-31T23:30:00Z")));
        ScheduleTicker before = ticker("node-a");
        assertThat(tickAt(before, "2025-01-01T00:00:20Z").count(Outcome.FIRED)).isEqualTo(1);

        // Every instance is down until 2025-01-04T00:30Z; a fresh instance (restart) comes up.
        TickReport after = tickAt(ticker("node-b"), "2025-01-04T00:30:00Z");

        assertThat(after.count(Outcome.FIRED)).isEqualTo(1);
        assertThat(after.count(Outcome.MISSED)).isEqualTo(71);
        assertThat(firer.total).hasValue(2);
        assertThat(firer.count("sch-1", "2025-01-04T00:00:00Z")).isEqualTo(1);
        List<TickDecision> history = history("sch-1");
        assertThat(history).hasSize(73);
        assertThat(history.get(0)).satisfies(d -> {
            assertThat(d.fireTime()).isEqualTo(Instant.parse("2025-01-04T00:00:00Z"));
            assertThat(d.outcome()).isEqualTo(Outcome.FIRED);
            assertThat(d.detail()).contains("catch-up fire").contains("PT30M late");
        });
        assertThat(history.subList(1, 72)).allSatisfy(d -> {
            assertThat(d.outcome()).isEqualTo(Outcome.MISSED);
            assertThat(d.reason()).isEqualTo(TickDecision.CATCH_UP_LIMIT);
        });
        assertThat(history.get(71).fireTime()).isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
        assertThat(history.get(71).detail()).contains("PT71H30M late").contains("maxCatchUp");
        assertThat(ledger.lastFireTime("t1", "sch-1")).contains(Instant.parse("2025-01-04T00:00:00Z"));
        assertThat(tickAt(ticker("node-a"), "2025-01-04T00:31:00Z").decisions()).isEmpty();
    }

    @Test
    void withoutCatchUpOnlyOnTimeFiresRun() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:30:00Z")));
        ScheduleTicker t = ticker("node-a", firer, ActiveRuns.NONE, OnlyIfCondition.ALWAYS,
                TickerSettings.DEFAULT.withMaxCatchUp(0));

        TickReport late = tickAt(t, "2025-01-01T03:20:00Z");
        assertThat(late.count(Outcome.MISSED)).isEqualTo(3);
        assertThat(late.count(Outcome.FIRED)).isZero();
        TickReport onTime = tickAt(t, "2025-01-01T04:00:30Z");
        assertThat(onTime.count(Outcome.FIRED)).isEqualTo(1);
    }

    @Test
    void aLongOutageOfAMinutelyScheduleFoldsOldMissesIntoOneRecord() {
        store.insert(schedule("sch-1", "* * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        ScheduleTicker t = ticker("node-a", firer, ActiveRuns.NONE, OnlyIfCondition.ALWAYS,
                TickerSettings.DEFAULT.withMaxMissedRecorded(10));

        TickReport report = tickAt(t, "2025-01-31T00:00:30Z");

        assertThat(report.count(Outcome.FIRED)).isEqualTo(1);
        assertThat(report.count(Outcome.MISSED)).isEqualTo(11);
        List<TickDecision> history = history("sch-1");
        TickDecision oldest = history.get(history.size() - 1);
        assertThat(oldest.fireTime()).isEqualTo(Instant.parse("2025-01-01T00:01:00Z"));
        assertThat(oldest.detail()).contains("not recorded one by one").contains("2025-01-30T23:50:00Z");
        assertThat(history.get(0).fireTime()).isEqualTo(Instant.parse("2025-01-31T00:00:00Z"));
    }

    @Test
    void aRestartedInstanceDoesNotFireAgain() {
        store.insert(schedule("sch-1", "*/15 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        tickAt(ticker("node-a"), "2025-01-01T00:15:05Z");
        TickReport restarted = tickAt(ticker("node-a"), "2025-01-01T00:15:35Z");
        assertThat(restarted.decisions()).isEmpty();
        assertThat(firer.count("sch-1", "2025-01-01T00:15:00Z")).isEqualTo(1);
    }

    @Test
    void overlapWithTheSchedulesUnfinishedRunIsSkippedAndSaysWhichRun() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        ActiveRuns busy = (tenant, scheduleId) -> scheduleId.equals("sch-1") ? Optional.of("run:t1:prev") : Optional.empty();
        TickReport r = tickAt(ticker("node-a", firer, busy, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT),
                "2025-01-01T01:00:10Z");
        assertThat(r.decisions()).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(d.reason()).isEqualTo(TickDecision.OVERLAP);
            assertThat(d.detail()).contains("run:t1:prev");
        });
        assertThat(firer.total).hasValue(0);
        assertThat(ledger.lastFireTime("t1", "sch-1")).contains(Instant.parse("2025-01-01T01:00:00Z"));
    }

    @Test
    void onlyIfPolicyRevisionSkipsWhileTheRevisionDiffers() {
        Schedule s = schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z"));
        store.insert(new Schedule(s.id(), s.tenantId(), s.name(), true, s.cronExpression(), s.timezone(), s.mode(),
                s.selection(), new Schedule.OnlyIf(null, "rev-7"), null, null, null, s.createdAt(), s.createdBy(),
                s.updatedAt(), s.updatedBy(), null, null, 1));
        AtomicReference<String> current = new AtomicReference<>("rev-6");
        ScheduleTicker t = ticker("node-a", firer, ActiveRuns.NONE,
                OnlyIfCondition.policyRevision(tenant -> Optional.of(current.get())), TickerSettings.DEFAULT);

        TickDecision skipped = tickAt(t, "2025-01-01T01:00:10Z").decisions().get(0);
        assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(skipped.reason()).isEqualTo(TickDecision.ONLY_IF);
        assertThat(skipped.detail()).contains("rev-7").contains("rev-6");

        current.set("rev-7");
        assertThat(tickAt(t, "2025-01-01T02:00:10Z").decisions()).extracting(TickDecision::outcome)
                .containsExactly(Outcome.FIRED);
    }

    @Test
    void aPlanningErrorIsRecordedWithItsCodeAndNotRetried() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        AtomicInteger calls = new AtomicInteger();
        ScheduleFirer failing = (s, f) -> {
            calls.incrementAndGet();
            throw new StaleIndexException(Instant.parse("2024-12-01T00:00:00Z"), Duration.ofHours(1));
        };
        ScheduleTicker t = ticker("node-a", failing, ActiveRuns.NONE, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT);
        TickDecision d = tickAt(t, "2025-01-01T01:00:10Z").decisions().get(0);
        assertThat(d.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(d.reason()).isEqualTo("ERR_RUN_009");
        assertThat(d.detail()).contains("older than");
        tickAt(t, "2025-01-01T01:00:40Z");
        assertThat(calls).hasValue(1);
        assertThat(history("sch-1")).singleElement().extracting(TickDecision::outcome).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aHeldPlannerLockIsRetriedOnTheNextTick() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        AtomicInteger calls = new AtomicInteger();
        ScheduleFirer busyOnce = (s, f) -> {
            if (calls.incrementAndGet() == 1) throw new PlannerLockHeldException("t1");
            return firer.fire(s, f);
        };
        ScheduleTicker t = ticker("node-a", busyOnce, ActiveRuns.NONE, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT);

        assertThat(tickAt(t, "2025-01-01T01:00:10Z").decisions()).isEmpty();
        assertThat(ledger.lastFireTime("t1", "sch-1")).isEmpty();
        assertThat(tickAt(t, "2025-01-01T01:00:40Z").decisions()).extracting(TickDecision::outcome)
                .containsExactly(Outcome.FIRED);
        assertThat(firer.count("sch-1", "2025-01-01T01:00:00Z")).isEqualTo(1);
    }

    @Test
    void aScheduleThatIsNoLongerEnabledWhenItsLockIsTakenDoesNotFire() {
        Schedule s = schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z"));
        store.insert(s);
        // The listing is stale: the schedule was paused between enabled() and the fire.
        ScheduleStore staleListing = new ScheduleStore() {
            public void insert(Schedule x) { store.insert(x); }
            public Optional<Schedule> find(String tenant, String id) { return store.find(tenant, id); }
            public Schedule update(Schedule x) { return store.update(x); }
            public List<Schedule> list(String tenant) { return store.list(tenant); }
            public List<Schedule> enabled() { return List.of(s); }
        };
        store.update(new Schedule(s.id(), s.tenantId(), s.name(), false, s.cronExpression(), s.timezone(), s.mode(),
                s.selection(), null, null, null, null, s.createdAt(), "alice", s.createdAt(), "bob", null, null, 2));
        ScheduleTicker t = new ScheduleTicker(staleListing, ledger, locks, firer, null, null, null, "node-a");
        assertThat(tickAt(t, "2025-01-01T01:00:10Z").decisions()).isEmpty();
        assertThat(firer.total).hasValue(0);
        assertThat(ledger.lastFireTime("t1", "sch-1")).isEmpty();
    }

    @Test
    void oneBrokenScheduleDoesNotStopTheOthers() {
        store.insert(schedule("sch-bad", "0 0 30 2 *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        store.insert(schedule("sch-ok", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        TickReport r = tickAt(ticker("node-a"), "2025-01-01T01:00:10Z");
        assertThat(r.errors()).singleElement().asString().contains("sch-bad").contains("never fires");
        assertThat(r.count(Outcome.FIRED)).isEqualTo(1);
    }

    @Test
    void dstPolicyDecidesWhatTheTickerFiresOnTransitionDays() {
        store.insert(schedule("skip", "30 2 * * *", "Europe/Berlin", new DstPolicy(DstPolicy.Gap.SKIP, DstPolicy.Overlap.ONCE),
                Instant.parse("2025-03-29T00:00:00Z")));
        store.insert(schedule("shift", "30 2 * * *", "Europe/Berlin", new DstPolicy(DstPolicy.Gap.SHIFT, DstPolicy.Overlap.ONCE),
                Instant.parse("2025-03-29T00:00:00Z")));
        store.insert(schedule("twice", "30 2 * * *", "Europe/Berlin", new DstPolicy(DstPolicy.Gap.SHIFT, DstPolicy.Overlap.TWICE),
                Instant.parse("2025-10-25T00:00:00Z")));
        ScheduleTicker t = ticker("node-a");
        for (String day : List.of("2025-03-29", "2025-03-30", "2025-03-31", "2025-10-25", "2025-10-26", "2025-10-27")) {
            Instant start = Instant.parse(day + "T00:00:00Z");
            for (Instant now = start; now.isBefore(start.plus(Duration.ofDays(1))); now = now.plusSeconds(300)) {
                clock.set(now);
                t.tick(now);
            }
        }
        assertThat(firer.count("skip", "2025-03-30T01:00:00Z")).isZero();
        assertThat(firer.count("shift", "2025-03-30T01:00:00Z")).isEqualTo(1);
        // Not fired, but not silent either (issue 7): the gap's 02:30 is a skipped decision at the transition.
        assertThat(history("skip")).filteredOn(d -> d.fireTime().equals(Instant.parse("2025-03-30T01:00:00Z")))
                .singleElement().satisfies(d -> {
                    assertThat(d.outcome()).isEqualTo(TickDecision.Outcome.SKIPPED);
                    assertThat(d.reason()).isEqualTo(TickDecision.DST_POLICY);
                    assertThat(d.runId()).isNull();
                    assertThat(d.detail()).contains("02:30 on 2025-03-30 does not exist in Europe/Berlin")
                            .contains("dstPolicy.gap is skip");
                });
        assertThat(history("shift")).filteredOn(d -> d.fireTime().isBefore(Instant.parse("2025-04-01T00:00:00Z")))
                .extracting(TickDecision::reason).doesNotContain(TickDecision.DST_POLICY);
        assertThat(firer.count("twice", "2025-10-26T00:30:00Z")).isEqualTo(1);
        assertThat(firer.count("twice", "2025-10-26T01:30:00Z")).isEqualTo(1);
        assertThat(firer.count("skip", "2025-10-26T00:30:00Z")).isEqualTo(1);
        assertThat(firer.count("skip", "2025-10-26T01:30:00Z")).isZero();
        assertThat(ledger.find("t1", "skip", Instant.parse("2025-10-26T01:30:00Z"))).hasValueSatisfying(d -> {
            assertThat(d.outcome()).isEqualTo(TickDecision.Outcome.SKIPPED);
            assertThat(d.reason()).isEqualTo(TickDecision.DST_POLICY);
            assertThat(d.detail()).contains("02:30 on 2025-10-26 happens twice").contains("dstPolicy.overlap is once");
        });
        assertThat(history("twice")).extracting(TickDecision::reason).doesNotContain(TickDecision.DST_POLICY);
        // Ticking every 5 minutes through the spring days: nothing missed, the gap day simply has no fire.
        assertThat(history("skip")).filteredOn(d -> d.fireTime().isBefore(Instant.parse("2025-04-01T00:00:00Z")))
                .extracting(TickDecision::fireTime).containsExactly(Instant.parse("2025-03-31T00:30:00Z"),
                        Instant.parse("2025-03-30T01:00:00Z"), Instant.parse("2025-03-29T01:30:00Z"));
    }

    @Test
    void twoInstancesTickingConcurrentlyFireEachFireTimeExactlyOnce() throws Exception {
        Instant start = Instant.parse("2025-10-25T22:00:00Z");
        Instant end = Instant.parse("2025-10-26T04:00:00Z");
        List<Schedule> schedules = new ArrayList<>();
        String[] crons = {"* * * * *", "*/5 * * * *", "*/15 * * * *", "0 * * * *", "30 2 * * *", "7,37 * * * *"};
        for (int i = 0; i < crons.length; i++) {
            DstPolicy dst = i % 2 == 0 ? DstPolicy.DEFAULT : new DstPolicy(DstPolicy.Gap.SKIP, DstPolicy.Overlap.TWICE);
            Schedule s = schedule("sch-" + i, crons[i], "Europe/Berlin", dst, start);
            store.insert(s);
            schedules.add(s);
        }
        ScheduleFirer slowish = (s, f) -> {
            Thread.yield();
            return firer.fire(s, f);
        };
        ScheduleTicker a = ticker("node-a", slowish, ActiveRuns.NONE, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT);
        ScheduleTicker b = ticker("node-b", slowish, ActiveRuns.NONE, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT);
        clock.set(start);
        // Both instances tick the same instant at the same time, then the clock moves 30 s.
        CyclicBarrier step = new CyclicBarrier(2, () -> clock.advance(Duration.ofSeconds(30)));
        List<TickReport> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (ScheduleTicker t : List.of(a, b)) {
            Thread th = new Thread(() -> {
                try {
                    step.await();
                    while (clock.instant().isBefore(end)) {
                        reports.add(t.tick(clock.instant()));
                        step.await(10, TimeUnit.SECONDS);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                    step.reset();
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) th.join(60_000);
        assertThat(failure.get()).isNull();

        int expected = 0;
        for (Schedule s : schedules) {
            List<Instant> due = FireTimes.of(s).between(start, end.minusSeconds(30), 10_000);
            expected += due.size();
            for (Instant f : due) {
                assertThat(firer.count(s.id(), f.toString())).as(s.id() + " at " + f).isEqualTo(1);
            }
            // Besides the fires, exactly the second passes a DST policy of "once" leaves out are recorded (issue 7).
            assertThat(history(s.id())).as(s.id()).filteredOn(d -> !TickDecision.DST_POLICY.equals(d.reason()))
                    .hasSize(due.size()).allSatisfy(d -> assertThat(d.outcome()).isEqualTo(Outcome.FIRED));
            assertThat(history(s.id())).as(s.id()).filteredOn(d -> TickDecision.DST_POLICY.equals(d.reason()))
                    .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(Outcome.SKIPPED))
                    .extracting(TickDecision::fireTime).containsExactlyInAnyOrderElementsOf(FireTimes.of(s)
                            .dstSkipped(start, end, 1000).stream().map(FireTimes.DstSkip::at).toList());
        }
        assertThat(firer.total).hasValue(expected);
        assertThat(reports.stream().mapToLong(r -> r.count(Outcome.FIRED)).sum()).isEqualTo(expected);
        assertThat(reports.stream().flatMap(r -> r.errors().stream())).isEmpty();
        // Both instances did part of the work.
        assertThat(reports.stream().flatMap(r -> r.decisions().stream()).map(TickDecision::decidedBy).distinct())
                .containsExactlyInAnyOrder("node-a", "node-b");
    }

    @Test
    void aStalledInstanceWhoseLockExpiredIsNotDuplicatedByTheLedgerClaim() throws Exception {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScheduleFirer stalling = (s, f) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return firer.fire(s, f);
        };
        ScheduleTicker a = ticker("node-a", stalling, ActiveRuns.NONE, OnlyIfCondition.ALWAYS, TickerSettings.DEFAULT);
        ScheduleTicker b = ticker("node-b");
        clock.set(Instant.parse("2025-01-01T01:00:10Z"));
        AtomicReference<TickReport> aReport = new AtomicReference<>();
        Thread th = new Thread(() -> aReport.set(a.tick(Instant.parse("2025-01-01T01:00:10Z"))));
        th.start();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        // node-a is stuck in planning (a GC pause, say) past the lock's TTL; node-b takes the expired lock.
        clock.set(Instant.parse("2025-01-01T01:05:00Z"));
        TickReport bReport = b.tick(clock.instant());
        assertThat(bReport.decisions()).isEmpty();
        assertThat(ledger.find("t1", "sch-1", Instant.parse("2025-01-01T01:00:00Z")))
                .hasValueSatisfying(d -> assertThat(d.outcome()).isEqualTo(Outcome.FIRING));

        release.countDown();
        th.join(10_000);
        assertThat(aReport.get().count(Outcome.FIRED)).isEqualTo(1);
        assertThat(firer.total).hasValue(1);
        assertThat(ledger.find("t1", "sch-1", Instant.parse("2025-01-01T01:00:00Z")))
                .hasValueSatisfying(d -> assertThat(d.outcome()).isEqualTo(Outcome.FIRED));
    }

    @Test
    void firesUnderTheDocumentedLockName() {
        store.insert(schedule("sch-1", "0 * * * *", "UTC", Instant.parse("2025-01-01T00:00:00Z")));
        List<String> names = new ArrayList<>();
        io.verdict.scheduler.queue.LockService spy = new io.verdict.scheduler.queue.LockService() {
            public Optional<io.verdict.scheduler.queue.LockLease> tryAcquire(String name, String owner, Duration ttl) {
                names.add(name + " " + ttl);
                return locks.tryAcquire(name, owner, ttl);
            }

            public boolean release(io.verdict.scheduler.queue.LockLease lease) {
                return locks.release(lease);
            }
        };
        ScheduleTicker t = new ScheduleTicker(store, ledger, spy, firer, null, null, null, "node-a");
        tickAt(t, "2025-01-01T01:00:10Z");
        assertThat(names).containsExactly("tick:sch-1:2025-01-01T01:00:00Z PT2M");
        // Released after the decision: the ledger, not the lock, remembers it.
        assertThat(locks.tryAcquire("tick:sch-1:2025-01-01T01:00:00Z", "x", Duration.ofSeconds(1))).isPresent();
    }

}
