package io.verdict.scheduler.schedules;

import io.verdict.scheduler.errors.PlannerLockHeldException;
import io.verdict.scheduler.errors.SchedulerException;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Fires cron schedules. Every scheduler instance calls {@link #tick} periodically with the cluster's notion of
 * "now" (the store's or Redis' clock, not each node's, so skewed nodes agree on what is due).
 *
 * <p>For each enabled schedule the due fire times are those after the schedule's ledger cursor (or its creation)
 * up to now. Normally that is zero or one fire time. After downtime it can be many: only the latest
 * {@code maxCatchUp} are run and the others are recorded {@code missed} — never one run per missed tick.
 *
 * <p>A fire happens once cluster-wide per (schedule, fire time): the instance first takes the lock
 * {@code tick:<scheduleId>:<fireInstant>}, then claims the fire time in the {@link TickLedger} (insert-if-absent),
 * then plans the run and records the outcome. The ledger claim is what holds when the lock does not — an instance
 * that stalls past the lock's TTL finds the claim of the other instance and backs off. The trade-off: an instance
 * that dies between claim and outcome leaves a {@code firing} decision and that fire time is not retried
 * (at most once, visibly, rather than a duplicate sweep).
 *
 * <p>Every decision is in the ledger: {@code fired} (with run id), {@code skipped} ({@code overlap}: the previous
 * run of the schedule is still going; {@code onlyIf}: its condition does not hold; {@code dstPolicy}: the
 * schedule's DST policy leaves the fire out; {@code paused}: written by {@link ScheduleService#resume}), {@code missed}, {@code failed} (with the error code).
 *
 * <p>Stateless apart from its ports: several instances may tick concurrently, and one instance may be shared by
 * threads.
 */
public final class ScheduleTicker {
    private final ScheduleStore schedules;
    private final TickLedger ledger;
    private final LockService locks;
    private final ScheduleFirer firer;
    private final ActiveRuns activeRuns;
    private final OnlyIfCondition onlyIf;
    private final TickerSettings settings;
    private final String instanceId;

    public ScheduleTicker(ScheduleStore schedules, TickLedger ledger, LockService locks, ScheduleFirer firer,
                          ActiveRuns activeRuns, OnlyIfCondition onlyIf, TickerSettings settings, String instanceId) {
        this.schedules = Objects.requireNonNull(schedules, "schedules");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.firer = Objects.requireNonNull(firer, "firer");
        this.activeRuns = activeRuns == null ? ActiveRuns.NONE : activeRuns;
        this.onlyIf = onlyIf == null ? OnlyIfCondition.ALWAYS : onlyIf;
        this.settings = settings == null ? TickerSettings.DEFAULT : settings;
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    }

    /** The lock a fire is decided under. */
    public static String lockName(String scheduleId, Instant fireTime) {
        return "tick:" + scheduleId + ":" + fireTime;
    }

    public TickerSettings settings() {
        return settings;
    }

    /** Decides every due fire time of every enabled schedule; one failing schedule does not stop the others. */
    public TickReport tick(Instant now) {
        Objects.requireNonNull(now, "now");
        List<TickDecision> made = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Schedule> enabled = schedules.enabled();
        for (Schedule s : enabled) {
            try {
                tick(s, now, made);
            } catch (RuntimeException e) {
                errors.add(s.tenantId() + "/" + s.id() + ": " + e.getMessage());
            }
        }
        return new TickReport(now, enabled.size(), made, errors);
    }

    private void tick(Schedule s, Instant now, List<TickDecision> made) {
        Instant from = ledger.lastFireTime(s.tenantId(), s.id())
                .orElse(s.createdAt() == null ? now : s.createdAt());
        if (!now.isAfter(from)) return;
        int runnable = settings.maxCatchUp();
        FireTimes fireTimes = FireTimes.of(s);
        recordDstSkips(s, fireTimes, from, now, made);
        FireTimes.Window due = fireTimes.latest(from, now, Math.max(1, runnable) + settings.maxMissedRecorded());
        List<Instant> times = due.times();
        if (times.isEmpty()) return;
        int firstToRun = Math.max(0, times.size() - runnable);
        if (runnable == 0 && !isLate(times.get(times.size() - 1), now)) firstToRun = times.size() - 1;

        List<TickDecision> missed = new ArrayList<>();
        if (due.truncated()) {
            missed.add(TickDecision.missed(s, due.firstOmitted(), "not run, like every fire time up to " + times.get(0)
                    + " (not recorded one by one): still due at the tick of " + now + "; " + catchUpRule(), now,
                    instanceId));
        }
        for (Instant fireTime : times.subList(0, firstToRun)) {
            missed.add(TickDecision.missed(s, fireTime, "not run: " + Duration.between(fireTime, now)
                    + " late at the tick of " + now + "; " + catchUpRule(), now, instanceId));
        }
        // Insert-if-absent: another instance recording the same misses is harmless.
        if (!missed.isEmpty()) made.addAll(ledger.recordAll(missed));

        Instant settled = firstToRun > 0 ? times.get(firstToRun - 1) : null;
        boolean contiguous = true;
        for (Instant fireTime : times.subList(firstToRun, times.size())) {
            // The cursor stops before a fire time nobody decided yet, so a later tick (of any instance) reconsiders it.
            contiguous &= fire(s, fireTime, now, made);
            if (contiguous) settled = fireTime;
        }
        if (settled != null) ledger.advance(s.tenantId(), s.id(), settled);
    }

    /**
     * Fires the DST policy leaves out are decisions too ("why didn't it fire at 02:30?"). They never share an instant
     * with a fire, so recording them (insert-if-absent, by any instance, on every tick that sees them) cannot block
     * one; they do not move the cursor.
     */
    private void recordDstSkips(Schedule s, FireTimes fireTimes, Instant from, Instant now, List<TickDecision> made) {
        List<TickDecision> skipped = new ArrayList<>();
        for (FireTimes.DstSkip skip : fireTimes.dstSkipped(from, now, settings.maxMissedRecorded())) {
            skipped.add(TickDecision.skipped(s, skip.at(), TickDecision.DST_POLICY, describe(s, skip), now, instanceId));
        }
        if (!skipped.isEmpty()) made.addAll(ledger.recordAll(skipped));
    }

    private static String describe(Schedule s, FireTimes.DstSkip skip) {
        java.time.format.DateTimeFormatter hm = java.time.format.DateTimeFormatter.ofPattern("HH:mm");
        String day = skip.localTimes().get(0).toLocalDate().toString();
        String times = String.join(", ", skip.localTimes().stream().map(hm::format).toList());
        return skip.gap()
                ? times + " on " + day + " do" + (skip.localTimes().size() == 1 ? "es" : "") + " not exist in "
                + s.timezone() + " (clocks spring forward); dstPolicy.gap is skip (shift would fire at " + skip.at() + ")"
                : times + " on " + day + " happens twice in " + s.timezone() + "; dstPolicy.overlap is once, so only the "
                + "first occurrence fires (twice would fire again at " + skip.at() + ")";
    }

    private String catchUpRule() {
        return settings.maxCatchUp() == 0 ? "late fires are not run (maxCatchUp 0)"
                : "after downtime only the latest " + settings.maxCatchUp() + " due fire time(s) run (maxCatchUp)";
    }

    private boolean isLate(Instant fireTime, Instant now) {
        return Duration.between(fireTime, now).compareTo(settings.onTimeGrace()) > 0;
    }

    /** @return true when a decision for the fire time exists afterwards (this instance's or another's) */
    private boolean fire(Schedule listed, Instant fireTime, Instant now, List<TickDecision> made) {
        Optional<LockLease> lease = locks.tryAcquire(lockName(listed.id(), fireTime), instanceId, settings.lockTtl());
        if (lease.isEmpty()) return decided(listed, fireTime);
        try {
            if (decided(listed, fireTime)) return true;
            // Re-read under the lock: the schedule may have been paused, deleted or re-timed since it was listed.
            Optional<Schedule> current = schedules.find(listed.tenantId(), listed.id());
            if (current.isEmpty() || current.get().isDeleted() || !current.get().enabled()
                    || !sameTiming(listed, current.get())) {
                return false;
            }
            Schedule s = current.get();
            Optional<String> running = activeRuns.activeRunOf(s.tenantId(), s.id());
            if (running.isPresent()) {
                record(TickDecision.skipped(s, fireTime, TickDecision.OVERLAP, "run " + running.get()
                        + " of this schedule has not finished", now, instanceId), made);
                return true;
            }
            Optional<String> unmet = onlyIf.unmet(s, fireTime);
            if (unmet.isPresent()) {
                record(TickDecision.skipped(s, fireTime, TickDecision.ONLY_IF, unmet.get(), now, instanceId), made);
                return true;
            }
            TickDecision claim = TickDecision.firing(s, fireTime, now, instanceId);
            if (!ledger.record(claim)) return true;
            TickDecision outcome;
            try {
                PlannedRun planned = firer.fire(s, fireTime);
                outcome = claim.fired(planned.run().id(), describe(planned, fireTime, now));
            } catch (PlannerLockHeldException e) {
                // Another plan of this tenant is running right now: give the fire time back, the next tick retries.
                ledger.remove(claim);
                return false;
            } catch (SchedulerException e) {
                outcome = claim.failed(e.code().name(), e.getMessage());
            } catch (RuntimeException e) {
                outcome = claim.failed("internal", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (ledger.replace(claim, outcome)) made.add(outcome);
            return true;
        } finally {
            locks.release(lease.get());
        }
    }

    private String describe(PlannedRun planned, Instant fireTime, Instant now) {
        String what = planned.segments().isEmpty()
                ? "run " + planned.run().id() + " planned with nothing to evaluate (no_work)"
                : "run " + planned.run().id() + " planned: " + planned.run().deduped() + " images in "
                + planned.segments().size() + " segments";
        return isLate(fireTime, now) ? what + "; catch-up fire, " + Duration.between(fireTime, now) + " late" : what;
    }

    private boolean decided(Schedule s, Instant fireTime) {
        return ledger.find(s.tenantId(), s.id(), fireTime).isPresent();
    }

    private boolean record(TickDecision decision, List<TickDecision> made) {
        boolean stored = ledger.record(decision);
        if (stored) made.add(decision);
        return stored;
    }

    private static boolean sameTiming(Schedule a, Schedule b) {
        return a.cronExpression().equals(b.cronExpression()) && a.timezone().equals(b.timezone())
                && a.dstPolicy().equals(b.dstPolicy());
    }
}
