package io.verdict.scheduler.schedules;

import java.time.Duration;
import java.util.Objects;

/**
 * How the cron ticker behaves.
 *
 * @param tickInterval      how often each instance calls {@link ScheduleTicker#tick}; only used to check lockTtl
 * @param lockTtl           lifetime of a {@code tick:<scheduleId>:<fireInstant>} lock; longer than the tick interval
 *                          so a slow planner is not overtaken by the next tick of another instance
 * @param maxCatchUp        when several fire times of a schedule are due at once (after downtime), how many of the
 *                          latest are run; the older ones are recorded {@code missed}. 0 runs a fire only when it is
 *                          on time (within {@code onTimeGrace}) and never catches up
 * @param onTimeGrace       how late a fire may be and still count as on time (only matters with maxCatchUp 0)
 * @param maxMissedRecorded after a long outage, how many missed fire times are recorded one by one; older ones are
 *                          folded into a single {@code missed} decision so a minutely schedule down for a month does
 *                          not write 43 200 records in one tick (default 100)
 */
public record TickerSettings(Duration tickInterval, Duration lockTtl, int maxCatchUp, Duration onTimeGrace,
                             int maxMissedRecorded) {
    public static final TickerSettings DEFAULT =
            new TickerSettings(Duration.ofSeconds(30), Duration.ofMinutes(2), 1, Duration.ofMinutes(5), 100);

    public TickerSettings {
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(lockTtl, "lockTtl");
        Objects.requireNonNull(onTimeGrace, "onTimeGrace");
        if (tickInterval.isNegative() || tickInterval.isZero()) throw new IllegalArgumentException("tickInterval must be > 0");
        if (lockTtl.compareTo(tickInterval) <= 0) {
            throw new IllegalArgumentException("lockTtl (" + lockTtl + ") must be longer than tickInterval (" + tickInterval + ")");
        }
        if (maxCatchUp < 0) throw new IllegalArgumentException("maxCatchUp must be >= 0");
        if (onTimeGrace.isNegative()) throw new IllegalArgumentException("onTimeGrace must be >= 0");
        if (maxMissedRecorded < 1) throw new IllegalArgumentException("maxMissedRecorded must be >= 1");
    }

    public TickerSettings withMaxCatchUp(int n) {
        return new TickerSettings(tickInterval, lockTtl, n, onTimeGrace, maxMissedRecorded);
    }

    public TickerSettings withTickInterval(Duration interval, Duration ttl) {
        return new TickerSettings(interval, ttl, maxCatchUp, onTimeGrace, maxMissedRecorded);
    }

    public TickerSettings withMaxMissedRecorded(int n) {
        return new TickerSettings(tickInterval, lockTtl, maxCatchUp, onTimeGrace, n);
    }
}
