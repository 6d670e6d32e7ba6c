package io.verdict.scheduler.schedules;

import io.verdict.scheduler.inmemory.ManualClock;

import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.InMemoryAuditLog;
import io.verdict.scheduler.inmemory.InMemoryLockService;
import io.verdict.scheduler.inmemory.InMemoryScheduleStore;
import io.verdict.scheduler.inmemory.InMemoryTickLedger;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.schedules.TickDecision.Outcome;
import io.verdict.scheduler.schedules.TickerFixture.CountingFirer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleServiceTest {
    private final ManualClock clock = ManualClock.at("2025-01-01T00:00:00Z");
    private final InMemoryScheduleStore store = new InMemoryScheduleStore();
    private final InMemoryTickLedger ledger = new InMemoryTickLedger();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final CountingFirer firer = new CountingFirer();
    private final Iterator<String> idSequence = Stream.iterate(1, i -> i + 1).map(i -> "sch-" + i).iterator();
    private final ScheduleService service = new ScheduleService(store, ledger, audit, clock, idSequence::next);
    private final ScheduleTicker ticker = new ScheduleTicker(store, ledger, new InMemoryLockService(clock), firer,
            null, null, null, "node-a");

    private static final Caller ALICE = new Caller("t1", "alice", "corr-1");
    private static final Caller BOB_OTHER_TENANT = new Caller("t2", "bob", "corr-2");

    private void at(String instant) {
        clock.set(Instant.parse(instant));
    }

    private TickReport tick(String instant) {
        at(instant);
        return ticker.tick(clock.instant());
    }

    private static ScheduleSpec hourly() {
        return ScheduleSpec.simple("  hourly sweep ", "0  * * * *", "UTC");
    }

    @Test
    void createValidatesStampsAndAudits() {
        Schedule s = service.create(ALICE, hourly());
        assertThat(s.id()).isEqualTo("sch-1");
        assertThat(s.tenantId()).isEqualTo("t1");
        assertThat(s.name()).isEqualTo("hourly sweep");
        assertThat(s.cronExpression()).isEqualTo("0 * * * *");
        assertThat(s.selection()).isEqualTo(Selector.allImages("t1"));
        assertThat(s.mode()).isEqualTo(Mode.ANALYSIS_ONLY);
        assertThat(s.dstPolicy()).isEqualTo(Schedule.DstPolicy.DEFAULT);
        assertThat(s.createdAt()).isEqualTo(clock.instant());
        assertThat(s.createdBy()).isEqualTo("alice");
        assertThat(s.version()).isEqualTo(1);
        assertThat(service.get("t1", "sch-1")).isEqualTo(s);
        AuditRecord a = audit.recent("t1", 1).get(0);
        assertThat(a.action()).isEqualTo("schedule.create");
        assertThat(a.actor()).isEqualTo("alice");
        assertThat(a.target()).isEqualTo("sch-1");
        assertThat(a.correlationId()).isEqualTo("corr-1");
        assertThat(a.metadata()).containsEntry("cronexpression", "0 * * * *");
    }

    @Test
    void createReportsEveryBadFieldAtOnce() {
        ScheduleSpec bad = new ScheduleSpec(" ", true, "0 25 * * *", "Europe/Berlinn", Mode.ANALYSIS_ONLY,
                new Selector(Selector.Scope.BY_NAMESPACE, null, List.of(), List.of(), List.of("sha256:abc"), List.of(),
                        List.of(), false),
                new Schedule.OnlyIf(0, " "), new Schedule.NotifyPolicy(true, "urgent", true),
                new Schedule.Limits(0, -1.0, 0, 0), null);
        assertThatThrownBy(() -> service.create(ALICE, bad)).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.errors()).extracting(ValidationException.FieldError::field).containsExactly(
                        "name", "cronExpression", "timezone", "selection.namespaces", "selection.digests[0]",
                        "onlyIf.lastReportOlderThanDays", "onlyIf.policyRevision", "notify.minSeverity",
                        "limits.maxJobs", "limits.parallelism", "limits.burst", "limits.ratePerSecond"));
        assertThat(store.list("t1")).isEmpty();
        assertThat(audit.recent("t1", 10)).isEmpty();
    }

    @Test
    void scopesNeedTheirPrimaryField() {
        for (Selector.Scope scope : List.of(Selector.Scope.BY_REPOSITORY, Selector.Scope.BY_DIGEST, Selector.Scope.BY_LABELS)) {
            Selector empty = new Selector(scope, null, null, null, null, null, null, false);
            assertThatThrownBy(() -> service.create(ALICE, hourly().withSelection(empty)))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).singleElement()
                            .satisfies(f -> assertThat(f.message()).contains("required when scope is " + scope.wire())));
        }
        Schedule ok = service.create(ALICE, hourly().withSelection(Selector.byNamespace(null, "prod")));
        assertThat(ok.selection().tenantId()).isEqualTo("t1");
        assertThat(ok.selection().namespaces()).containsExactly("prod");
    }

    @Test
    void aSelectorOfAnotherTenantIsRefused() {
        assertThatThrownBy(() -> service.create(ALICE, hourly().withSelection(Selector.allImages("t2"))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .extracting(ValidationException.FieldError::field).containsExactly("selection.tenantId"));
    }

    @Test
    void namesUpTo200Characters() {
        service.create(ALICE, hourly().withName("n".repeat(200)));
        assertThatThrownBy(() -> service.create(ALICE, hourly().withName("n".repeat(201))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors().get(0).message())
                        .contains("at most 200"));
    }

    @Test
    void anotherTenantsScheduleIsNotFound() {
        Schedule s = service.create(ALICE, hourly());
        assertThatThrownBy(() -> service.get("t2", s.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.update(BOB_OTHER_TENANT, s.id(), hourly(), 1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.delete(BOB_OTHER_TENANT, s.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.pause(BOB_OTHER_TENANT, s.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.resume(BOB_OTHER_TENANT, s.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.next("t2", s.id(), 3)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.decisions("t2", s.id(), null, 10)).isInstanceOf(NotFoundException.class);
        assertThat(service.list("t2")).isEmpty();
        assertThat(service.list("t1")).containsExactly(s);
        assertThat(service.get("t1", s.id()).version()).isEqualTo(1);
    }

    @Test
    void updateReplacesTheFieldsWhenTheVersionMatches() {
        Schedule s = service.create(ALICE, hourly());
        at("2025-01-01T00:10:00Z");
        Schedule u = service.update(new Caller("t1", "carol", "corr-9"), s.id(),
                ScheduleSpec.of(s).withName("nightly").withLimits(new Schedule.Limits(null, 5.0, 2, 10)), 1);
        assertThat(u.version()).isEqualTo(2);
        assertThat(u.name()).isEqualTo("nightly");
        assertThat(u.limits().ratePerSecond()).isEqualTo(5.0);
        assertThat(u.updatedBy()).isEqualTo("carol");
        assertThat(u.updatedAt()).isEqualTo(Instant.parse("2025-01-01T00:10:00Z"));
        assertThat(u.createdBy()).isEqualTo("alice");
        assertThat(audit.recent("t1", 1).get(0)).satisfies(a -> {
            assertThat(a.action()).isEqualTo("schedule.update");
            assertThat(a.actor()).isEqualTo("carol");
            assertThat(a.correlationId()).isEqualTo("corr-9");
        });

        assertThatThrownBy(() -> service.update(ALICE, s.id(), ScheduleSpec.of(s).withName("stale"), 1))
                .isInstanceOf(ConcurrentUpdateException.class).hasMessageContaining("version 2, not 1");
        assertThat(service.get("t1", s.id()).name()).isEqualTo("nightly");
    }

    @Test
    void aNewTimingStartsAtTheChangeAndDoesNotCatchUpOnThePast() {
        Schedule s = service.create(ALICE, ScheduleSpec.simple("daily", "0 3 * * *", "UTC"));
        tick("2025-01-01T03:00:10Z");
        at("2025-01-01T10:30:00Z");
        service.update(ALICE, s.id(), ScheduleSpec.of(s).withTiming("0 * * * *", "UTC", null), 1);

        assertThat(tick("2025-01-01T10:31:00Z").decisions()).isEmpty();
        assertThat(tick("2025-01-01T11:00:10Z").decisions()).extracting(TickDecision::outcome)
                .containsExactly(Outcome.FIRED);
        assertThat(firer.total).hasValue(2);
    }

    @Test
    void softDeleteHidesTheScheduleStopsItAndKeepsItsHistory() {
        Schedule s = service.create(ALICE, hourly());
        tick("2025-01-01T01:00:10Z");
        at("2025-01-01T01:30:00Z");
        Schedule deleted = service.delete(ALICE, s.id());
        assertThat(deleted.deletedAt()).isEqualTo(Instant.parse("2025-01-01T01:30:00Z"));
        assertThat(deleted.deletedBy()).isEqualTo("alice");
        assertThatThrownBy(() -> service.get("t1", s.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.delete(ALICE, s.id())).isInstanceOf(NotFoundException.class);
        assertThat(service.list("t1")).isEmpty();
        assertThat(tick("2025-01-01T02:00:10Z").decisions()).isEmpty();
        assertThat(service.decisions("t1", s.id(), null, 10)).hasSize(1);
        assertThat(audit.recent("t1", 1).get(0).action()).isEqualTo("schedule.delete");
    }

    @Test
    void pauseAndResumeRecordThePausedFireTimesAndDoNotCatchUp() {
        at("2025-01-01T09:30:00Z");
        Schedule s = service.create(ALICE, hourly());
        tick("2025-01-01T10:00:10Z");
        at("2025-01-01T10:30:00Z");
        Schedule paused = service.pause(ALICE, s.id());
        assertThat(paused.enabled()).isFalse();
        assertThat(paused.version()).isEqualTo(2);
        for (String t : List.of("2025-01-01T11:00:10Z", "2025-01-01T12:00:10Z", "2025-01-01T13:00:10Z")) {
            assertThat(tick(t).decisions()).isEmpty();
        }

        at("2025-01-01T14:20:00Z");
        Resumed resumed = service.resume(new Caller("t1", "bob", "corr-7"), s.id());
        assertThat(resumed.schedule().enabled()).isTrue();
        assertThat(resumed.nextRunAt()).isEqualTo(Instant.parse("2025-01-01T15:00:00Z"));

        List<TickDecision> history = service.decisions("t1", s.id(), null, 50);
        assertThat(history).extracting(TickDecision::fireTime).containsExactly(
                Instant.parse("2025-01-01T14:00:00Z"), Instant.parse("2025-01-01T13:00:00Z"),
                Instant.parse("2025-01-01T12:00:00Z"), Instant.parse("2025-01-01T11:00:00Z"),
                Instant.parse("2025-01-01T10:00:00Z"));
        assertThat(history.subList(0, 4)).allSatisfy(d -> {
            assertThat(d.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(d.reason()).isEqualTo(TickDecision.PAUSED);
            assertThat(d.decidedBy()).isEqualTo("bob");
        });
        assertThat(tick("2025-01-01T14:20:30Z").decisions()).isEmpty();
        assertThat(tick("2025-01-01T15:00:10Z").decisions()).extracting(TickDecision::outcome)
                .containsExactly(Outcome.FIRED);
        assertThat(firer.total).hasValue(2);
        List<AuditRecord> trail = audit.recent("t1", 2);
        assertThat(trail.get(0).action()).isEqualTo("schedule.resume");
        assertThat(trail.get(0).metadata()).containsEntry("nextrunat", "2025-01-01T15:00:00Z");
        assertThat(trail.get(1).action()).isEqualTo("schedule.pause");
    }

    @Test
    void pausingTwiceChangesNothing() {
        Schedule s = service.create(ALICE, hourly());
        service.pause(ALICE, s.id());
        Schedule again = service.pause(ALICE, s.id());
        assertThat(again.version()).isEqualTo(2);
        assertThat(audit.recent("t1", 1).get(0).metadata()).containsEntry("changed", "false");
    }

    @Test
    void enablingThroughUpdateBehavesAsResume() {
        Schedule s = service.create(ALICE, hourly().withEnabled(false));
        at("2025-01-01T03:30:00Z");
        service.update(ALICE, s.id(), ScheduleSpec.of(s).withEnabled(true), 1);
        assertThat(service.decisions("t1", s.id(), null, 50)).hasSize(3)
                .allSatisfy(d -> assertThat(d.reason()).isEqualTo(TickDecision.PAUSED));
        assertThat(tick("2025-01-01T03:30:30Z").decisions()).isEmpty();
    }

    @Test
    void nextListsUpcomingFireTimesInTheSchedulesZone() {
        at("2025-03-29T12:00:00Z");
        Schedule s = service.create(ALICE, ScheduleSpec.simple("berlin", "30 2 * * *", "Europe/Berlin"));
        assertThat(service.next("t1", s.id(), 3)).containsExactly(Instant.parse("2025-03-30T01:00:00Z"),
                Instant.parse("2025-03-31T00:30:00Z"), Instant.parse("2025-04-01T00:30:00Z"));
        assertThatThrownBy(() -> service.next("t1", s.id(), 0)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> service.next("t1", s.id(), 101)).isInstanceOf(ValidationException.class);
    }

    @Test
    void aRepeatedIdFromTheSupplierIsRetriedWithTheNextOne() {
        Iterator<String> ids = List.of("sch-a", "sch-a", "sch-b").iterator();
        Supplier<String> supplier = ids::next;
        ScheduleService s = new ScheduleService(store, ledger, audit, clock, supplier);
        assertThat(s.create(ALICE, hourly()).id()).isEqualTo("sch-a");
        assertThat(s.create(ALICE, hourly()).id()).isEqualTo("sch-b");
    }

    @Test
    void defaultIdsAreRandomScheduleIds() {
        ScheduleService s = new ScheduleService(store, ledger, audit, clock);
        String a = s.create(ALICE, hourly()).id();
        String b = s.create(ALICE, hourly()).id();
        assertThat(a).matches("sch-[a-z2-7]{16}").isNotEqualTo(b);
    }

    @Test
    void aMissingCorrelationIdIsGeneratedForTheAudit() {
        service.create(new Caller("t1", "alice", null), hourly());
        assertThat(audit.recent("t1", 1).get(0).correlationId()).isNotBlank();
    }

    @Test
    void nextStartsAtFromAndRefusesFromOutsideItsRange() {
        Schedule s = service.create(ALICE, hourly());
        assertThat(service.next("t1", s.id(), 2, Instant.parse("2030-06-01T10:30:00Z")))
                .containsExactly(Instant.parse("2030-06-01T11:00:00Z"), Instant.parse("2030-06-01T12:00:00Z"));
        assertThat(service.next("t1", s.id(), 1)).containsExactly(Instant.parse("2025-01-01T01:00:00Z"));
        for (Instant bad : List.of(Instant.parse("1969-12-31T23:59:59Z"), Instant.parse("9000-01-01T00:00:01Z"))) {
            assertThatThrownBy(() -> service.next("t1", s.id(), 1, bad)).isInstanceOfSatisfying(ValidationException.class,
                    e -> assertThat(e.errors()).extracting(ValidationException.FieldError::field).containsExactly("from"));
        }
    }

    @Test
    void upcomingListsTheNextFireOfEachEnabledScheduleSoonestFirst() {
        Schedule hourly = service.create(ALICE, hourly());
        Schedule daily = service.create(ALICE, ScheduleSpec.simple("daily", "30 0 * * *", "UTC"));
        Schedule paused = service.create(ALICE, ScheduleSpec.simple("paused", "15 0 * * *", "UTC"));
        service.pause(ALICE, paused.id());
        service.create(BOB_OTHER_TENANT, ScheduleSpec.simple("theirs", "5 0 * * *", "UTC"));
        List<UpcomingFire> all = service.upcoming("t1", null, null, null, null, null, 10);
        assertThat(all).extracting(u -> u.schedule().id()).containsExactly(daily.id(), hourly.id());
        assertThat(all).extracting(UpcomingFire::at)
                .containsExactly(Instant.parse("2025-01-01T00:30:00Z"), Instant.parse("2025-01-01T01:00:00Z"));
        // Page key, window, one schedule.
        assertThat(service.upcoming("t1", null, null, null, all.get(0).at(), daily.id(), 10))
                .extracting(u -> u.schedule().id()).containsExactly(hourly.id());
        assertThat(service.upcoming("t1", null, Instant.parse("2025-01-01T00:45:00Z"), null, null, null, 10))
                .extracting(u -> u.schedule().id()).containsExactly(daily.id());
        assertThat(service.upcoming("t1", Instant.parse("2025-01-01T00:40:00Z"), null, daily.id(), null, null, 10))
                .extracting(UpcomingFire::at).containsExactly(Instant.parse("2025-01-02T00:30:00Z"));
        assertThatThrownBy(() -> service.upcoming("t1", null, null, null, null, null, 0))
                .isInstanceOf(ValidationException.class);
    }
}
