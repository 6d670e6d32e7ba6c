package io.verdict.scheduler;

/**
 * What a process does, decided here and nowhere else. {@code API} plans (intake, manual, policy and retry runs,
 * previews) and ticks cron; {@code WORKER} only executes segments — it never loads the impact index, never plans
 * and never ticks; {@code ALL} does both (the embedded default).
 */
public enum SchedulerRole {
    API, WORKER, ALL;

    /** Loads and follows the impact index, plans runs, ticks cron. */
    public boolean plans() {
        return this != WORKER;
    }

    /** Runs segment workers. */
    public boolean executes() {
        return this != API;
    }
}
