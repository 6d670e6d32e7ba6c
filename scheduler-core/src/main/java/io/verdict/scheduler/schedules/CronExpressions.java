package io.verdict.scheduler.schedules;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.verdict.scheduler.errors.ValidationException;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * Parses and validates the two timing fields of a schedule: a 5-field UNIX cron expression and an IANA time zone.
 * Errors name the offending cron field and say what is expected, because "invalid expression" alone is what makes
 * users guess (and then ask why the schedule never fires).
 *
 * <p>Semantics are those of UNIX cron as cron-utils implements them: {@code minute hour day-of-month month
 * day-of-week}, names ({@code MON}, {@code JAN}) allowed, Sunday is 0 or 7, and when both day-of-month and
 * day-of-week are restricted a day matches if <em>either</em> matches. No seconds field, no {@code @daily}
 * nicknames, no Quartz extensions ({@code ?}, {@code L}, {@code W}, {@code #}).
 */
public final class CronExpressions {
    public static final String CRON_FIELD = "cronExpression";
    public static final String TIMEZONE_FIELD = "timezone";
    static final int MAX_LENGTH = 200;

    private static final CronDefinition UNIX = CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX);
    private static final String[] FIELD_NAMES = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final String FORMAT =
            "expected 5 fields 'minute hour day-of-month month day-of-week', e.g. '0 3 * * *' (every day at 03:00)";
    /** Reference point for the "does it ever fire" check; any instant works, cron-utils searches years ahead. */
    private static final ZonedDateTime REFERENCE = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

    private CronExpressions() {}

    /** The expression with surrounding blanks removed and inner runs of blanks collapsed to one space. */
    public static String normalize(String expression) {
        return expression == null ? null : expression.trim().replaceAll("\\s+", " ");
    }

    /**
     * Parses a 5-field UNIX cron expression; throws {@link ValidationException} on field {@code cronExpression}
     * with a message naming the bad field, or when the expression matches no date at all (e.g. 30 February).
     */
    public static Cron parse(String expression) {
        String expr = normalize(expression);
        if (expr == null || expr.isEmpty()) throw invalid("is required; " + FORMAT);
        if (expr.length() > MAX_LENGTH) throw invalid("is longer than " + MAX_LENGTH + " characters");
        if (expr.startsWith("@")) throw invalid("nicknames such as '" + expr.split(" ")[0] + "' are not supported; " + FORMAT);
        String[] fields = expr.split(" ");
        asciiOnly(expr, fields);
        if (fields.length != 5) {
            throw invalid("'" + expr + "' has " + fields.length + " field" + (fields.length == 1 ? "" : "s")
                    + (fields.length == 6 ? " (a seconds field is not supported)" : "") + "; " + FORMAT);
        }
        Cron cron;
        try {
            cron = parser().parse(expr);
            cron.validate();
        } catch (IllegalArgumentException e) {
            throw invalid(explain(expr, fields, e));
        }
        if (ExecutionTime.forCron(cron).nextExecution(REFERENCE).isEmpty()) {
            throw invalid("'" + expr + "' never fires: no date matches it (e.g. day 30 of February)");
        }
        return cron;
    }

    /** Validates without keeping the result (same errors as {@link #parse}). */
    public static void validate(String expression) {
        parse(expression);
    }

    /**
     * Resolves an IANA zone name such as {@code Europe/Berlin} or {@code UTC}; throws {@link ValidationException}
     * on field {@code timezone}. Fixed offsets ({@code +02:00}) are refused: they have no daylight-saving rules, so a
     * schedule written with one silently drifts by an hour twice a year.
     */
    public static ZoneId zone(String timezone) {
        if (timezone == null || timezone.isBlank()) {
            throw ValidationException.of(TIMEZONE_FIELD, "is required; use an IANA zone name such as Europe/Berlin or UTC");
        }
        if (ZONES.contains(timezone)) return ZoneId.of(timezone);
        Optional<String> other = ZONES.stream().filter(z -> z.equalsIgnoreCase(timezone.trim())).findFirst();
        if (other.isPresent()) {
            throw ValidationException.of(TIMEZONE_FIELD, "unknown time zone '" + timezone + "'; did you mean '"
                    + other.get() + "'? (zone names are case-sensitive)");
        }
        throw ValidationException.of(TIMEZONE_FIELD, "unknown time zone '" + timezone
                + "'; use an IANA zone name such as Europe/Berlin, America/New_York or UTC"
                + " (fixed offsets like +02:00 are not zone names)");
    }

    /** An {@link ExecutionTime} over wall-clock times: evaluated in UTC, which has no daylight-saving transitions. */
    static ExecutionTime wallClock(String expression) {
        return ExecutionTime.forCron(parse(expression));
    }

    /**
     * The first matching wall-clock minute strictly after {@code after}. Inputs and results are cut to whole minutes:
     * cron has no finer field, and some cron-utils versions let seconds or nanoseconds leak into results.
     */
    static Optional<LocalDateTime> nextLocal(ExecutionTime cron, LocalDateTime after) {
        return cron.nextExecution(after.truncatedTo(ChronoUnit.MINUTES).atZone(ZoneOffset.UTC))
                .map(z -> z.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES));
    }

    /** The last matching wall-clock minute strictly before {@code before} (a whole minute). */
    static Optional<LocalDateTime> previousLocal(ExecutionTime cron, LocalDateTime before) {
        return cron.lastExecution(before.truncatedTo(ChronoUnit.MINUTES).atZone(ZoneOffset.UTC))
                .map(z -> z.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES));
    }

    /**
     * Only printable ASCII: cron-utils parses numbers with {@link Integer#parseInt}, which also reads other
     * scripts' digits, so {@code ٣ * * * *} (Arabic-Indic three) would silently fire at minute 3. Names the field
     * and the character (with its code point, since it may look like a digit).
     */
    private static void asciiOnly(String expr, String[] fields) {
        for (int f = 0; f < fields.length; f++) {
            String field = fields[f];
            for (int i = 0; i < field.length(); ) {
                int cp = field.codePointAt(i);
                if (cp < 0x21 || cp > 0x7E) {
                    String where = f < FIELD_NAMES.length ? FIELD_NAMES[f] + " field '" + field + "'" : "field " + (f + 1);
                    throw invalid(where + " of '" + expr + "' contains '" + new String(Character.toChars(cp)) + "' ("
                            + String.format("U+%04X", cp) + "): cron fields take ASCII digits 0-9, the names "
                            + "JAN-DEC and SUN-SAT, and * , - / only");
                }
                i += Character.charCount(cp);
            }
        }
    }

    /** cron-utils says what is wrong but not where; find the first field that fails on its own. */
    private static String explain(String expr, String[] fields, IllegalArgumentException e) {
        for (int i = 0; i < fields.length; i++) {
            String[] probe = {"*", "*", "*", "*", "*"};
            probe[i] = fields[i];
            try {
                parser().parse(String.join(" ", probe)).validate();
            } catch (IllegalArgumentException fieldError) {
                return FIELD_NAMES[i] + " field '" + fields[i] + "' of '" + expr + "' is invalid: "
                        + clean(fieldError.getMessage()) + hint(i);
            }
        }
        return "'" + expr + "' is invalid: " + clean(e.getMessage()) + "; " + FORMAT;
    }

    private static String hint(int field) {
        return switch (field) {
            case 0 -> " (allowed 0-59)";
            case 1 -> " (allowed 0-23)";
            case 2 -> " (allowed 1-31; 'L', 'W' and '?' are not supported)";
            case 3 -> " (allowed 1-12 or JAN-DEC)";
            default -> " (allowed 0-7 or SUN-SAT, Sunday is 0 or 7; 'L' and '#' are not supported)";
        };
    }

    private static String clean(String message) {
        if (message == null) return "unparseable";
        String m = message.replace("Failed to parse cron expression. ", "").trim()
                .replaceAll("Invalid chars in expression! Expression: .* Invalid chars: (.*)", "unexpected characters '$1'");
        if (m.endsWith(".")) m = m.substring(0, m.length() - 1);
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static ValidationException invalid(String message) {
        return ValidationException.of(CRON_FIELD, message);
    }

    /** A new parser per use: cron-utils does not document CronParser as thread-safe, and parsing is cheap. */
    private static CronParser parser() {
        return new CronParser(UNIX);
    }
}
