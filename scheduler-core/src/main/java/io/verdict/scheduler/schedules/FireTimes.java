package io.verdict.scheduler.schedules;

import com.cronutils.model.time.ExecutionTime;
import io.verdict.scheduler.schedules.Schedule.DstPolicy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instants at which a cron schedule fires in its IANA zone, with daylight-saving transitions resolved by the
 * schedule's {@link DstPolicy} rather than by whatever a cron library happens to do.
 *
 * <p>How: cron-utils enumerates matching <em>wall-clock</em> times (evaluated in UTC, which has no transitions),
 * and each wall-clock time is then placed on the time line with the zone's rules:
 * <ul>
 *   <li>an ordinary local time has exactly one instant;</li>
 *   <li>a local time inside a spring-forward gap does not exist: {@code SKIP} drops it, {@code SHIFT} fires at the
 *       first valid instant after the gap (the transition itself, e.g. 03:00 CEST for a 02:30 Berlin schedule);</li>
 *   <li>a local time inside a fall-back overlap happens twice: {@code ONCE} fires at the first occurrence (summer
 *       time), {@code TWICE} at both.</li>
 * </ul>
 * Several wall-clock times that land on the same instant (e.g. 02:00, 02:15, 02:30, 02:45 shifted out of a gap)
 * fire once. Note that an hourly or sub-hourly schedule with {@code ONCE} pauses for the repeated hour on the
 * fall-back night; {@code TWICE} keeps its cadence in real time.
 *
 * <p>Immutable and thread-safe.
 */
public final class FireTimes {
    /** Safety net for expressions that match only on rare dates (29 February on a Monday, say). */
    private static final int HORIZON_YEARS = 30;
    private static final int CACHE_LIMIT = 10_000;
    private static final Map<String, FireTimes> CACHE = new ConcurrentHashMap<>();

    private final ExecutionTime cron;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final DstPolicy dst;

    private FireTimes(ExecutionTime cron, ZoneId zone, DstPolicy dst) {
        this.cron = cron;
        this.zone = zone;
        this.rules = zone.getRules();
        this.dst = dst == null ? DstPolicy.DEFAULT : dst;
    }

    public static FireTimes of(Schedule schedule) {
        return of(schedule.cronExpression(), schedule.timezone(), schedule.dstPolicy());
    }

    /** Throws {@link io.verdict.scheduler.errors.ValidationException} for a bad expression or zone. */
    public static FireTimes of(String cronExpression, String timezone, DstPolicy dstPolicy) {
        DstPolicy dst = dstPolicy == null ? DstPolicy.DEFAULT : dstPolicy;
        String key = CronExpressions.normalize(cronExpression) + "|" + timezone + "|" + dst.gap() + "|" + dst.overlap();
        FireTimes cached = CACHE.get(key);
        if (cached != null) return cached;
        FireTimes parsed = new FireTimes(CronExpressions.wallClock(cronExpression), CronExpressions.zone(timezone), dst);
        // Parsing and checking an expression costs about a millisecond; the ticker asks for every schedule every tick.
        if (CACHE.size() >= CACHE_LIMIT) CACHE.clear();
        CACHE.put(key, parsed);
        return parsed;
    }

    public ZoneId zone() {
        return zone;
    }

    public DstPolicy dstPolicy() {
        return dst;
    }

    /** The first fire instant strictly after {@code after}. */
    public Optional<Instant> next(Instant after) {
        List<Instant> one = next(after, 1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /** The first {@code count} fire instants strictly after {@code after}, ascending (fewer if the cron runs dry). */
    public List<Instant> next(Instant after, int count) {
        return forward(after, null, count);
    }

    /** Fire instants in {@code (fromExclusive, toInclusive]}, ascending; at most {@code limit} (the earliest ones). */
    public List<Instant> between(Instant fromExclusive, Instant toInclusive, int limit) {
        Objects.requireNonNull(toInclusive, "toInclusive");
        return forward(fromExclusive, toInclusive, limit);
    }

    private List<Instant> forward(Instant after, Instant until, int count) {
        Objects.requireNonNull(after, "after");
        if (count <= 0) return List.of();
        TreeSet<Instant> found = new TreeSet<>();
        LocalDateTime startLocal = LocalDateTime.ofInstant(after, zone);
        LocalDateTime horizon = startLocal.plusYears(HORIZON_YEARS);
        // A local time slightly before `after`'s wall clock can still be after it (second pass of a repeated hour).
        LocalDateTime cursor = startLocal.minus(slack(after)).minusMinutes(1);
        while (true) {
            Optional<LocalDateTime> candidate = CronExpressions.nextLocal(cron, cursor);
            if (candidate.isEmpty() || candidate.get().isAfter(horizon)) break;
            LocalDateTime local = candidate.get();
            // Instants grow with wall-clock time (per bound), so once even the earliest instant of this local time is
            // past the count-th found one (or the window), nothing later can change the answer.
            Instant earliest = earliest(local);
            if (until != null && earliest.isAfter(until)) break;
            if (found.size() >= count && earliest.isAfter(found.last())) break;
            for (Instant i : instants(local)) {
                if (i.isAfter(after) && (until == null || !i.isAfter(until))) found.add(i);
            }
            while (found.size() > count) found.pollLast();
            cursor = local;
        }
        return List.copyOf(found);
    }

    /**
     * The <em>latest</em> {@code limit} fire instants in {@code (fromExclusive, toInclusive]}, ascending, walking
     * backwards from {@code toInclusive} so that a long outage of a minutely schedule costs {@code limit} steps,
     * not one per missed minute. When older fire instants exist in the window they are not enumerated:
     * {@link Window#firstOmitted()} names the earliest of them.
     */
    public Window latest(Instant fromExclusive, Instant toInclusive, int limit) {
        Objects.requireNonNull(fromExclusive, "fromExclusive");
        Objects.requireNonNull(toInclusive, "toInclusive");
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        if (!toInclusive.isAfter(fromExclusive)) return new Window(List.of(), null);
        TreeSet<Instant> found = new TreeSet<>();
        LocalDateTime endLocal = LocalDateTime.ofInstant(toInclusive, zone);
        LocalDateTime horizon = LocalDateTime.ofInstant(fromExclusive, zone).minusYears(HORIZON_YEARS);
        // previousLocal is strictly before its argument: start one whole minute past the end's wall clock.
        LocalDateTime cursor = endLocal.plus(slack(toInclusive)).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        while (true) {
            Optional<LocalDateTime> candidate = CronExpressions.previousLocal(cron, cursor);
            if (candidate.isEmpty() || candidate.get().isBefore(horizon)) break;
            LocalDateTime local = candidate.get();
            Instant latestOfLocal = latest(local);
            if (!latestOfLocal.isAfter(fromExclusive)) break;
            if (found.size() > limit && latestOfLocal.isBefore(found.first())) break;
            for (Instant i : instants(local)) {
                if (i.isAfter(fromExclusive) && !i.isAfter(toInclusive)) found.add(i);
            }
            while (found.size() > limit + 1) found.pollFirst();
            cursor = local;
        }
        Instant firstOmitted = null;
        if (found.size() > limit) {
            found.pollFirst();
            firstOmitted = next(fromExclusive).orElseThrow();
        }
        return new Window(List.copyOf(found), firstOmitted);
    }

    /** Longest clock change to look back for (historic double summer time was 2 h); see {@link #dstSkipped}. */
    private static final Duration LONGEST_TRANSITION = Duration.ofHours(3);

    /**
     * A fire the DST policy did not take: a wall-clock time inside a spring-forward gap under {@code skip}
     * ({@code at} = the transition, where {@code shift} would have fired; all the gap's matching local times in one
     * record), or the second occurrence of a repeated local time under {@code once} ({@code at} = that occurrence).
     */
    public record DstSkip(Instant at, List<LocalDateTime> localTimes, boolean gap) {
        public DstSkip {
            localTimes = List.copyOf(localTimes);
        }
    }

    /**
     * The fires in {@code (fromExclusive, toInclusive]} this schedule's {@link DstPolicy} leaves out, ascending, at most
     * {@code limit}. A gap whose transition instant is itself a fire time (the cron also matches the first local
     * time after the gap) is not reported: {@code shift} would have fired there once too, so no fire is lost.
     * Never collides with a fire instant, so a ledger can record these beside the fires.
     */
    public List<DstSkip> dstSkipped(Instant fromExclusive, Instant toInclusive, int limit) {
        Objects.requireNonNull(fromExclusive, "fromExclusive");
        Objects.requireNonNull(toInclusive, "toInclusive");
        List<DstSkip> out = new java.util.ArrayList<>();
        if (dst.gap() == DstPolicy.Gap.SHIFT && dst.overlap() == DstPolicy.Overlap.TWICE) return out;
        // The second pass of a repeated hour lies after its transition: start early enough to see that transition.
        ZoneOffsetTransition tr = rules.nextTransition(fromExclusive.minus(LONGEST_TRANSITION));
        while (tr != null && !tr.getInstant().isAfter(toInclusive) && out.size() < limit) {
            if (tr.isGap() && dst.gap() == DstPolicy.Gap.SKIP) {
                Instant at = tr.getInstant();
                List<LocalDateTime> locals = matching(tr.getDateTimeBefore(), tr.getDateTimeAfter());
                if (!locals.isEmpty() && at.isAfter(fromExclusive) && !isFireTime(at)) {
                    out.add(new DstSkip(at, locals, true));
                }
            } else if (tr.isOverlap() && dst.overlap() == DstPolicy.Overlap.ONCE) {
                for (LocalDateTime local : matching(tr.getDateTimeAfter(), tr.getDateTimeBefore())) {
                    Instant second = local.toInstant(tr.getOffsetAfter());
                    if (second.isAfter(fromExclusive) && !second.isAfter(toInclusive) && out.size() < limit) {
                        out.add(new DstSkip(second, List.of(local), false));
                    }
                }
            }
            tr = rules.nextTransition(tr.getInstant());
        }
        return out;
    }

    /** Matching wall-clock minutes in {@code [fromInclusive, toExclusive)}. */
    private List<LocalDateTime> matching(LocalDateTime fromInclusive, LocalDateTime toExclusive) {
        List<LocalDateTime> out = new java.util.ArrayList<>();
        LocalDateTime cursor = fromInclusive.minusMinutes(1);
        while (true) {
            Optional<LocalDateTime> next = CronExpressions.nextLocal(cron, cursor);
            if (next.isEmpty() || !next.get().isBefore(toExclusive)) return out;
            out.add(next.get());
            cursor = next.get();
        }
    }

    private boolean isFireTime(Instant t) {
        return !forward(t.minusMillis(1), t, 1).isEmpty();
    }

    /**
     * The latest fire instants of a window, and the earliest older one that was not enumerated (null if none).
     */
    public record Window(List<Instant> times, Instant firstOmitted) {
        public Window {
            times = List.copyOf(times);
        }

        public boolean truncated() {
            return firstOmitted != null;
        }
    }

    /** Where a wall-clock time lands on the time line under this schedule's DST policy (0, 1 or 2 instants). */
    List<Instant> instants(LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.size() == 1) return List.of(local.toInstant(offsets.get(0)));
        if (offsets.isEmpty()) {
            return dst.gap() == DstPolicy.Gap.SKIP ? List.of() : List.of(rules.getTransition(local).getInstant());
        }
        Instant first = local.toInstant(offsets.get(0));
        Instant second = local.toInstant(offsets.get(1));
        if (first.isAfter(second)) {
            Instant t = first;
            first = second;
            second = t;
        }
        return dst.overlap() == DstPolicy.Overlap.ONCE ? List.of(first) : List.of(first, second);
    }

    /** Lower bound of {@link #instants}, whatever the policy; never decreases as the wall-clock time grows. */
    private Instant earliest(LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) return rules.getTransition(local).getInstant();
        Instant a = local.toInstant(offsets.get(0));
        Instant b = local.toInstant(offsets.get(offsets.size() - 1));
        return a.isBefore(b) ? a : b;
    }

    /** Upper bound of {@link #instants}, whatever the policy; never decreases as the wall-clock time grows. */
    private Instant latest(LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) return rules.getTransition(local).getInstant();
        Instant a = local.toInstant(offsets.get(0));
        Instant b = local.toInstant(offsets.get(offsets.size() - 1));
        return a.isAfter(b) ? a : b;
    }

    /**
     * How far the wall clock can be off a linear reading near {@code t}: the size of a transition close enough to
     * {@code t} to matter, else zero (so ordinary ticks do not walk an hour of minutely candidates).
     */
    private Duration slack(Instant t) {
        long seconds = 0;
        for (ZoneOffsetTransition tr : new ZoneOffsetTransition[]{rules.previousTransition(t), rules.nextTransition(t)}) {
            if (tr == null) continue;
            long size = Math.abs(tr.getDuration().getSeconds());
            long distance = Math.abs(Duration.between(tr.getInstant(), t).getSeconds());
            if (distance <= size + 60) seconds = Math.max(seconds, size);
        }
        return Duration.ofSeconds(seconds);
    }
}
