package io.verdict.scheduler.schedules;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * The next fire of an enabled schedule: what the console's {@code scheduled} tab lists. Ordered by fire time, then
 * schedule id, which is also the pagination key.
 */
public record UpcomingFire(Schedule schedule, Instant at) {
    public static final Comparator<UpcomingFire> ORDER =
            Comparator.comparing(UpcomingFire::at).thenComparing(u -> u.schedule().id());

    public UpcomingFire {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(at, "at");
    }

    /** Strictly after the page key {@code (at, scheduleId)}. */
    public boolean isAfter(Instant keyAt, String keyScheduleId) {
        int c = at.compareTo(keyAt);
        return c > 0 || (c == 0 && schedule.id().compareTo(keyScheduleId) > 0);
    }
}
