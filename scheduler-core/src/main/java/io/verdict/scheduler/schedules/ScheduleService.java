package io.verdict.scheduler.schedules;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.errors.ValidationException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Manages schedules for the HTTP API and CLI: create, read, replace, soft-delete, pause, resume, preview the next
 * fire times, and read the per-schedule tick decisions. Every call is confined to the caller's tenant (another
 * tenant's id, or a deleted schedule, is {@link NotFoundException}); every change is audited as
 * {@code schedule.create|update|delete|pause|resume}.
 *
 * <p>Timing and the ticker: pausing stops fires (the ticker only sees enabled schedules). Resuming records every
 * fire time of the pause as {@code skipped: paused} and moves the schedule's ledger cursor to now, so the ticker
 * neither catches up on the pause nor leaves a hole in the history. Changing the cron expression, time zone or DST
 * policy also moves the cursor to now: the new timing starts at the change, it is not applied to the past.
 */
public final class ScheduleService {
    public static final int MAX_NEXT = 100;
    public static final int MAX_DECISIONS = 500;

    private final ScheduleStore store;
    private final TickLedger ledger;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<String> ids;
    private final int maxPausedRecorded;

    public ScheduleService(ScheduleStore store, TickLedger ledger, AuditLog audit, Clock clock, Supplier<String> ids) {
        this.store = Objects.requireNonNull(store, "store");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.maxPausedRecorded = TickerSettings.DEFAULT.maxMissedRecorded();
    }

    /** With random {@code sch-…} ids. */
    public ScheduleService(ScheduleStore store, TickLedger ledger, AuditLog audit, Clock clock) {
        this(store, ledger, audit, clock, ScheduleIds.randomSupplier());
    }

    public Schedule create(Caller caller, ScheduleSpec spec) {
        ScheduleSpec v = ScheduleValidator.validate(caller.tenantId(), spec);
        Instant now = clock.instant();
        Schedule created = null;
        // An id collision is astronomically unlikely with random ids, but an injected supplier may repeat itself.
        for (int attempt = 0; created == null; attempt++) {
            String id = ids.get();
            if (id == null || id.isBlank()) throw new IllegalStateException("schedule id supplier returned no id");
            Schedule candidate = new Schedule(id, caller.tenantId(), v.name(), v.enabled(), v.cronExpression(),
                    v.timezone(), v.mode(), v.selection(), v.onlyIf(), v.notifications(), v.limits(), v.dstPolicy(),
                    now, caller.actor(), now, caller.actor(), null, null, 1);
            try {
                store.insert(candidate);
                created = candidate;
            } catch (ConcurrentUpdateException e) {
                if (attempt >= 2) throw e;
            }
        }
        audit(caller, "schedule.create", created, details(created));
        return created;
    }

    /** A schedule of the tenant, not deleted. */
    public Schedule get(String tenantId, String id) {
        return store.find(tenantId, id).filter(s -> !s.isDeleted())
                .orElseThrow(() -> new NotFoundException("schedule " + id));
    }

    /** The tenant's schedules (not deleted), by name then id. */
    public List<Schedule> list(String tenantId) {
        return store.list(tenantId);
    }

    /**
     * Replaces the user-written fields of a schedule. {@code expectedVersion} is the version the caller read; if the
     * schedule changed since, {@link ConcurrentUpdateException} (HTTP 409) and nothing is written. Turning
     * {@code enabled} off or on behaves as {@link #pause} / {@link #resume}.
     */
    public Schedule update(Caller caller, String id, ScheduleSpec spec, long expectedVersion) {
        Schedule stored = get(caller.tenantId(), id);
        ScheduleSpec v = ScheduleValidator.validate(caller.tenantId(), spec);
        if (stored.version() != expectedVersion) {
            throw new ConcurrentUpdateException("schedule " + id + " is at version " + stored.version()
                    + ", not " + expectedVersion);
        }
        Instant now = clock.instant();
        boolean resuming = !stored.enabled() && v.enabled();
        if (resuming) recordPause(stored, now, caller.actor());
        Schedule updated = store.update(new Schedule(stored.id(), stored.tenantId(), v.name(), v.enabled(),
                v.cronExpression(), v.timezone(), v.mode(), v.selection(), v.onlyIf(), v.notifications(), v.limits(),
                v.dstPolicy(), stored.createdAt(), stored.createdBy(), now, caller.actor(), null, null,
                stored.version() + 1));
        if (!sameTiming(stored, updated)) ledger.advance(updated.tenantId(), updated.id(), now);
        Map<String, String> meta = details(updated);
        if (stored.enabled() != updated.enabled()) meta.put("enabled", String.valueOf(updated.enabled()));
        audit(caller, "schedule.update", updated, meta);
        return updated;
    }

    /** Soft delete: the schedule stops firing and disappears from reads; its tick history stays. */
    public Schedule delete(Caller caller, String id) {
        Schedule stored = get(caller.tenantId(), id);
        Instant now = clock.instant();
        Schedule deleted = store.update(with(stored, stored.enabled(), now, caller.actor(), now, caller.actor()));
        audit(caller, "schedule.delete", deleted, Map.of("version", String.valueOf(deleted.version())));
        return deleted;
    }

    /** Stops firing. Pausing a paused schedule changes nothing (and is still audited). */
    public Schedule pause(Caller caller, String id) {
        Schedule stored = get(caller.tenantId(), id);
        Schedule paused = stored.enabled()
                ? store.update(with(stored, false, clock.instant(), caller.actor(), null, null))
                : stored;
        audit(caller, "schedule.pause", paused, Map.of("changed", String.valueOf(paused != stored),
                "version", String.valueOf(paused.version())));
        return paused;
    }

    /**
     * Fires again from now on. The fire times that passed while paused are recorded {@code skipped: paused} and are
     * not caught up. Returns the schedule and its earliest next fire instant.
     */
    public Resumed resume(Caller caller, String id) {
        Schedule stored = get(caller.tenantId(), id);
        Instant now = clock.instant();
        Schedule resumed = stored;
        if (!stored.enabled()) {
            // Before enabling: a tick between the two writes must not see the pause as downtime to catch up on.
            recordPause(stored, now, caller.actor());
            resumed = store.update(with(stored, true, now, caller.actor(), null, null));
        }
        Instant next = FireTimes.of(resumed).next(now).orElse(null);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("changed", String.valueOf(resumed != stored));
        meta.put("version", String.valueOf(resumed.version()));
        meta.put("nextRunAt", String.valueOf(next));
        audit(caller, "schedule.resume", resumed, meta);
        return new Resumed(resumed, next);
    }

    /** The next {@code count} (1..100) fire instants from now, whether or not the schedule is paused. */
    public List<Instant> next(String tenantId, String id, int count) {
        return next(tenantId, id, count, null);
    }

    /** Earliest and latest {@code from} accepted by {@link #next(String, String, int, Instant)}. */
    public static final Instant MIN_FROM = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant MAX_FROM = Instant.parse("9000-01-01T00:00:00Z");

    /**
     * The first {@code count} (1..100) fire instants strictly after {@code from} (null: now), whether or not the
     * schedule is paused — "when would it fire after the maintenance window / next DST change". {@code from} may be
     * in the past; it must lie in 1970..9000 (field {@code from}).
     */
    public List<Instant> next(String tenantId, String id, int count, Instant from) {
        if (count < 1 || count > MAX_NEXT) {
            throw ValidationException.of("count", "must be between 1 and " + MAX_NEXT);
        }
        if (from != null && (from.isBefore(MIN_FROM) || from.isAfter(MAX_FROM))) {
            throw ValidationException.of("from", "must be between " + MIN_FROM + " and " + MAX_FROM);
        }
        return FireTimes.of(get(tenantId, id)).next(from == null ? clock.instant() : from, count);
    }

    public static final int MAX_UPCOMING = 500;

    /**
     * The next fire of each enabled schedule of the tenant after {@code from} (null: now) and, when {@code until} is
     * given, no later than it; soonest first (ties by schedule id), only those after the page key
     * {@code (afterAt, afterScheduleId)} when given, at most {@code limit} (1..500). Paused and deleted schedules
     * have no upcoming fire; {@code scheduleId} narrows to one schedule.
     */
    public List<UpcomingFire> upcoming(String tenantId, Instant from, Instant until, String scheduleId,
                                       Instant afterAt, String afterScheduleId, int limit) {
        if (limit < 1 || limit > MAX_UPCOMING) {
            throw ValidationException.of("limit", "must be between 1 and " + MAX_UPCOMING);
        }
        Instant start = from == null ? clock.instant() : from;
        List<UpcomingFire> out = new ArrayList<>();
        for (Schedule s : store.list(tenantId)) {
            if (!s.enabled() || s.isDeleted() || (scheduleId != null && !scheduleId.equals(s.id()))) continue;
            FireTimes.of(s).next(start)
                    .filter(at -> until == null || !at.isAfter(until))
                    .map(at -> new UpcomingFire(s, at))
                    .filter(u -> afterAt == null || u.isAfter(afterAt, afterScheduleId == null ? "" : afterScheduleId))
                    .ifPresent(out::add);
        }
        out.sort(UpcomingFire.ORDER);
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /**
     * The schedule's tick decisions, newest fire time first, with fire time before {@code before} (null: newest);
     * deleted schedules' histories stay readable for audits.
     */
    public List<TickDecision> decisions(String tenantId, String id, Instant before, int limit) {
        if (limit < 1 || limit > MAX_DECISIONS) {
            throw ValidationException.of("limit", "must be between 1 and " + MAX_DECISIONS);
        }
        store.find(tenantId, id).orElseThrow(() -> new NotFoundException("schedule " + id));
        return ledger.list(tenantId, id, before, limit);
    }

    /** Records the paused fire times since the cursor as skipped and moves the cursor to {@code now}. */
    private void recordPause(Schedule s, Instant now, String actor) {
        Instant from = ledger.lastFireTime(s.tenantId(), s.id()).orElse(s.createdAt() == null ? now : s.createdAt());
        if (now.isAfter(from)) {
            FireTimes.Window window = FireTimes.of(s).latest(from, now, maxPausedRecorded);
            List<TickDecision> skipped = new ArrayList<>();
            if (window.truncated()) {
                skipped.add(TickDecision.skipped(s, window.firstOmitted(), TickDecision.PAUSED,
                        "paused, like every fire time up to " + window.times().get(0) + " (not recorded one by one)",
                        now, actor));
            }
            for (Instant t : window.times()) {
                skipped.add(TickDecision.skipped(s, t, TickDecision.PAUSED, "schedule was paused", now, actor));
            }
            ledger.recordAll(skipped);
        }
        ledger.advance(s.tenantId(), s.id(), now);
    }

    private static Schedule with(Schedule s, boolean enabled, Instant now, String actor, Instant deletedAt,
                                 String deletedBy) {
        return new Schedule(s.id(), s.tenantId(), s.name(), enabled, s.cronExpression(), s.timezone(), s.mode(),
                s.selection(), s.onlyIf(), s.notifications(), s.limits(), s.dstPolicy(), s.createdAt(), s.createdBy(),
                now, actor, deletedAt, deletedBy, s.version() + 1);
    }

    private static boolean sameTiming(Schedule a, Schedule b) {
        return a.cronExpression().equals(b.cronExpression()) && a.timezone().equals(b.timezone())
                && a.dstPolicy().equals(b.dstPolicy());
    }

    private static Map<String, String> details(Schedule s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("cronExpression", s.cronExpression());
        m.put("timezone", s.timezone());
        m.put("version", String.valueOf(s.version()));
        return m;
    }

    private void audit(Caller caller, String action, Schedule target, Map<String, String> metadata) {
        // The one audit writer (AuditTrail) gives every record its shape; schedules do not build records themselves.
        new AuditTrail(audit, clock).record(caller.tenantId(), caller.actor(), action, target.id(),
                caller.correlationId(), metadata);
    }
}
