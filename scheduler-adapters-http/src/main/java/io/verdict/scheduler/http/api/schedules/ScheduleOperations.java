package io.verdict.scheduler.http.api.schedules;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.errors.SchedulerException;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleStore;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Schedule use cases behind the HTTP routes, kept thin over {@link ScheduleStore}: every write is one
 * version-checked store call, so a failed validation or a lost race changes nothing. To be replaced by the
 * schedules module's ScheduleService once it lands.
 */
public final class ScheduleOperations {
    private final ScheduleStore store;
    private final Clock clock;

    public ScheduleOperations(ScheduleStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Schedule create(String tenant, String actor, ScheduleDraft draft) {
        String id = "sch_" + UUID.randomUUID().toString().replace("-", "");
        Schedule s = draft.toNew(id, tenant, actor, clock.instant());
        store.insert(s);
        return s;
    }

    /** A live (not deleted) schedule of the tenant; anything else is "not found". */
    public Schedule get(String tenant, String id) {
        return store.find(tenant, id).filter(s -> !s.isDeleted())
                .orElseThrow(() -> new NotFoundException("schedule " + id));
    }

    public List<Schedule> list(String tenant) {
        return store.list(tenant);
    }

    public Schedule update(String tenant, String id, String actor, Long expectedVersion,
                           java.util.function.Function<Schedule, ScheduleDraft> change) {
        Schedule current = get(tenant, id);
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new SchedulerException(ErrorCode.ERR_API_409, "schedule " + id + " is at version "
                    + current.version() + ", not " + expectedVersion);
        }
        return store.update(change.apply(current).applyTo(current, actor, clock.instant()));
    }

    /** Soft delete: the schedule stops firing and disappears from listings; its runs keep their scheduleId. */
    public Schedule delete(String tenant, String id, String actor) {
        Schedule s = get(tenant, id);
        Instant now = clock.instant();
        return store.update(new Schedule(s.id(), s.tenantId(), s.name(), false, s.cronExpression(), s.timezone(),
                s.mode(), s.selection(), s.onlyIf(), s.notifications(), s.limits(), s.dstPolicy(), s.createdAt(),
                s.createdBy(), now, actor, now, actor, s.version() + 1));
    }

    public Schedule setEnabled(String tenant, String id, String actor, boolean enabled) {
        Schedule s = get(tenant, id);
        if (s.enabled() == enabled) return s;
        return store.update(ScheduleDraft.of(s).withEnabled(enabled).applyTo(s, actor, clock.instant()));
    }

    public List<ZonedDateTime> next(Schedule s, int count) {
        return CronSupport.next(s.cronExpression(), s.timezone(), clock.instant(), count);
    }

    /** When an enabled schedule fires next (empty while paused). */
    public Optional<Instant> earliestNextRun(Schedule s) {
        if (!s.enabled()) return Optional.empty();
        return next(s, 1).stream().findFirst().map(ZonedDateTime::toInstant);
    }
}
