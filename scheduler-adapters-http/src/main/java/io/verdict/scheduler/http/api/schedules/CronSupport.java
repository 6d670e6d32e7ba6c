package io.verdict.scheduler.http.api.schedules;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cron parsing and fire times for the HTTP layer (5-field Unix cron in an IANA zone). Stands in until the
 * schedules module's CronExpressions/FireTimes land; keep callers on {@link #validate} and {@link #next} so the
 * switch is one class.
 */
public final class CronSupport {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    private CronSupport() {}

    /** Null when valid, else why not. */
    public static String cronProblem(String expression) {
        if (expression.length() > 128) return "at most 128 characters";
        try {
            Cron cron = PARSER.parse(expression.trim());
            cron.validate();
            // An expression that never fires (30 February) is as useless as a malformed one.
            if (ExecutionTime.forCron(cron).nextExecution(ZonedDateTime.now(ZoneId.of("UTC"))).isEmpty()) {
                return "never fires";
            }
            return null;
        } catch (RuntimeException e) {
            return "not a valid 5-field cron expression (minute hour day-of-month month day-of-week)";
        }
    }

    public static boolean isZone(String zone) {
        return ZONES.contains(zone) || "UTC".equals(zone);
    }

    /** The next {@code count} fire times strictly after {@code from}, in the schedule's zone. */
    public static List<ZonedDateTime> next(String expression, String zone, Instant from, int count) {
        ExecutionTime et = ExecutionTime.forCron(PARSER.parse(expression.trim()));
        List<ZonedDateTime> out = new ArrayList<>(count);
        ZonedDateTime t = from.atZone(ZoneId.of(zone));
        for (int i = 0; i < count; i++) {
            Optional<ZonedDateTime> n = et.nextExecution(t);
            if (n.isEmpty()) break;
            out.add(n.get());
            t = n.get();
        }
        return out;
    }
}
