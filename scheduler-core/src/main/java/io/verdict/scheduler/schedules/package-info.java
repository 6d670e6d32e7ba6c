/**
 * Cron schedules: what a schedule is, when it fires, and who fires it — exactly once across the cluster.
 *
 * <ul>
 *   <li>{@link io.verdict.scheduler.schedules.CronExpressions}: 5-field UNIX cron and IANA zone validation with
 *       messages that name the bad field ({@code cronExpression}, {@code timezone}).</li>
 *   <li>{@link io.verdict.scheduler.schedules.FireTimes}: fire instants of a schedule in its zone, with the
 *       daylight-saving gap ({@code skip}/{@code shift}) and overlap ({@code once}/{@code twice}) policy applied.</li>
 *   <li>{@link io.verdict.scheduler.schedules.ScheduleTicker}: called periodically by every instance; fires due
 *       schedules under a {@code tick:<scheduleId>:<fireInstant>} lock and a ledger claim, catches up at most
 *       {@code maxCatchUp} fires after downtime, and records every decision.</li>
 *   <li>{@link io.verdict.scheduler.schedules.ScheduleService}: tenant-confined, audited create / get / list /
 *       update (version-checked) / soft delete / pause / resume / next / decisions, for the HTTP API and CLI.</li>
 * </ul>
 *
 * <p>Ports: {@link io.verdict.scheduler.schedules.ScheduleStore} (schedules),
 * {@link io.verdict.scheduler.schedules.TickLedger} (decisions and per-schedule cursor; contract test
 * {@code TickLedgerContract} in the test-jar), {@link io.verdict.scheduler.schedules.ScheduleFirer} (plans a fire's
 * run; {@link io.verdict.scheduler.schedules.PlanningFirer} adapts {@code Scheduler::plan}),
 * {@link io.verdict.scheduler.schedules.ActiveRuns} (overlap check) and
 * {@link io.verdict.scheduler.schedules.OnlyIfCondition}. The package never imports the
 * {@code io.verdict.scheduler.Scheduler} facade, which depends on it.
 *
 * <p>Tests: {@code mvn -pl scheduler-core -am verify -Dtest='io.verdict.scheduler.schedules.*'
 * -Dsurefire.failIfNoSpecifiedTests=false}. Time is always injected (a {@link java.time.Clock} or the {@code now}
 * passed to {@code tick}), so DST days, outages and concurrent instances are simulated, not waited for.
 */
package io.verdict.scheduler.schedules;
