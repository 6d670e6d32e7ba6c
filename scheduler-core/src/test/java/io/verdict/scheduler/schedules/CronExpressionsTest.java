package io.verdict.scheduler.schedules;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronExpressionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0 3 * * *", "*/15 * * * *", "0 9 * * MON-FRI", "0 0 1,15 * *", "30 2 * * 0",
            "0 0 * * 7", "5-55/10 8-18 * JAN-MAR *", "0 0 29 2 *"})
    void acceptsUnixExpressions(String expr) {
        CronExpressions.validate(expr);
    }

    @Test
    void normalizesBlanks() {
        assertThat(CronExpressions.normalize("  0   3 *\t* *  ")).isEqualTo("0 3 * * *");
        CronExpressions.validate("  0   3 *\t* *  ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "61 * * * *   | minute field '61'",
            "* 24 * * *   | hour field '24'",
            "0 0 32 * *   | day-of-month field '32'",
            "0 0 * 13 *   | month field '13'",
            "0 0 * * 8    | day-of-week field '8'",
            "0 0 L * *    | day-of-month field 'L'",
            "0 0 ? * *    | day-of-month field '?'",
            "*/0 * * * *  | minute field '*/0'",
            "5-1 * * * *  | minute field '5-1'",
            "a b c d e    | minute field 'a'",
    })
    void namesTheBadField(String expr, String expected) {
        assertThatThrownBy(() -> CronExpressions.parse(expr))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ERR_API_400);
                    assertThat(e.errors()).singleElement().satisfies(f -> {
                        assertThat(f.field()).isEqualTo("cronExpression");
                        assertThat(f.message()).contains(expected).contains("allowed");
                    });
                });
    }

    /** Integer.parseInt reads any script's digits: without the check '٣ * * * *' fired at minute 3. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\u0663 * * * *        | minute field '\u0663' | U+0663",
            "0 \uFF13 * * *        | hour field '\uFF13' | U+FF13",
            "0 0 1\u0969 * *       | day-of-month field '1\u0969' | U+0969",
            "0 0 * 1\u00A0 *       | month field '1\u00A0' | U+00A0",
            "0 0 * * MON-FR\u0130  | day-of-week field 'MON-FR\u0130' | U+0130",
    })
    void acceptsAsciiDigitsOnly(String expr, String field, String codePoint) {
        String unescaped = expr.strip(); // the \\u escapes are resolved by javac
        assertThatThrownBy(() -> CronExpressions.parse(unescaped))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(f -> {
                            assertThat(f.field()).isEqualTo("cronExpression");
                            assertThat(f.message()).contains(field).contains(codePoint)
                                    .contains("ASCII digits 0-9");
                        }));
        assertThatThrownBy(() -> ScheduleValidator.validate("t1", ScheduleSpec.simple("n", unescaped, "UTC")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .extracting(ValidationException.FieldError::field).containsExactly("cronExpression"));
    }

    @Test
    void explainsWrongFieldCounts() {
        assertThat(message("* * * *")).contains("has 4 fields").contains("minute hour day-of-month month day-of-week");
        assertThat(message("0 0 3 * * *")).contains("has 6 fields").contains("seconds field is not supported");
        assertThat(message("")).contains("is required");
        assertThat(message(null)).contains("is required");
        assertThat(message("@daily")).contains("nicknames such as '@daily' are not supported");
        assertThat(message("0 ".repeat(120))).contains("longer than 200");
    }

    @Test
    void refusesExpressionsThatNeverFire() {
        assertThat(message("0 0 30 2 *")).contains("never fires");
        assertThat(message("0 0 31 4,6,9,11 *")).contains("never fires");
    }

    @Test
    void resolvesIanaZones() {
        assertThat(CronExpressions.zone("Europe/Berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(CronExpressions.zone("UTC")).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void refusesUnknownZonesWithAHint() {
        assertThat(zoneMessage("europe/berlin")).contains("did you mean 'Europe/Berlin'");
        assertThat(zoneMessage("+02:00")).contains("fixed offsets");
        assertThat(zoneMessage("Mars/Olympus_Mons")).contains("unknown time zone 'Mars/Olympus_Mons'");
        assertThat(zoneMessage(" ")).contains("is required");
    }

    private static String message(String expr) {
        try {
            CronExpressions.parse(expr);
        } catch (ValidationException e) {
            assertThat(e.errors()).singleElement().extracting(ValidationException.FieldError::field)
                    .isEqualTo("cronExpression");
            return e.errors().get(0).message();
        }
        throw new AssertionError("accepted " + expr);
    }

    private static String zoneMessage(String zone) {
        try {
            CronExpressions.zone(zone);
        } catch (ValidationException e) {
            assertThat(e.errors()).singleElement().extracting(ValidationException.FieldError::field)
                    .isEqualTo("timezone");
            return e.errors().get(0).message();
        }
        throw new AssertionError("accepted " + zone);
    }
}
