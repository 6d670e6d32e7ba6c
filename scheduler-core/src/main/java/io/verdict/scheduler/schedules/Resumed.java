package io.verdict.scheduler.schedules;

import java.time.Instant;

/** A resumed schedule and the earliest instant it will fire next (null for an expression with no future date). */
public record Resumed(Schedule schedule, Instant nextRunAt) {}
