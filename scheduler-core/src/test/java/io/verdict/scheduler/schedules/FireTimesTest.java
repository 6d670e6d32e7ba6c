package io.verdict.scheduler.schedules;

import io.verdict.scheduler.schedules.Schedule.DstPolicy;
import io.verdict.scheduler.schedules.Schedule.DstPolicy.Gap;
import io.verdict.scheduler.schedules.Schedule.DstPolicy.Overlap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FireTimesTest {

    static Stream<Arguments> everyPolicy() {
        return Stream.of(Gap.values()).flatMap(g -> Stream.of(Overlap.values()).map(o -> Arguments.of(g, o)));
    }

    private static List<Instant> instants(String... iso) {
        return Arrays.stream(iso).map(Instant::parse).toList();
    }

    private static List<Instant> next(String cron, String zone, Gap gap, Overlap overlap, String after, int n) {
        return FireTimes.of(cron, zone, new DstPolicy(gap, overlap)).next(Instant.parse(after), n);
    }

    @Nested
    class SpringForward {
        // Europe/Berlin 2025-03-30: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist that day.
        @ParameterizedTest(name = "Berlin {0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void berlinMissingTimeIsSkippedOrShiftedToTheEndOfTheGap(Gap gap, Overlap overlap) {
            List<Instant> got = next("30 2 * * *", "Europe/Berlin", gap, overlap, "2025-03-29T00:00:00Z", 3);
            assertThat(got).isEqualTo(gap == Gap.SKIP
                    ? instants("2025-03-29T01:30:00Z", "2025-03-31T00:30:00Z", "2025-04-01T00:30:00Z")
                    : instants("2025-03-29T01:30:00Z", "2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z"));
        }

        // America/New_York 2025-03-09: 02:00 EST jumps to 03:00 EDT (07:00Z).
        @ParameterizedTest(name = "New York {0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void newYorkMissingTimeIsSkippedOrShiftedToTheEndOfTheGap(Gap gap, Overlap overlap) {
            List<Instant> got = next("30 2 * * *", "America/New_York", gap, overlap, "2025-03-08T00:00:00Z", 3);
            assertThat(got).isEqualTo(gap == Gap.SKIP
                    ? instants("2025-03-08T07:30:00Z", "2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z")
                    : instants("2025-03-08T07:30:00Z", "2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"));
        }

        @ParameterizedTest(name = "{0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void everyFifteenMinutesKeepsItsRealTimeCadenceThroughTheGap(Gap gap, Overlap overlap) {
            // 01:00 CET .. 04:00 CEST: the four gap times either vanish (skip) or fold into 03:00 CEST (shift).
            assertThat(next("*/15 * * * *", "Europe/Berlin", gap, overlap, "2025-03-30T00:00:00Z", 8)).isEqualTo(
                    instants("2025-03-30T00:15:00Z", "2025-03-30T00:30:00Z", "2025-03-30T00:45:00Z",
                            "2025-03-30T01:00:00Z", "2025-03-30T01:15:00Z", "2025-03-30T01:30:00Z",
                            "2025-03-30T01:45:00Z", "2025-03-30T02:00:00Z"));
        }

        @ParameterizedTest(name = "{0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void severalMissingTimesShiftedToTheSameInstantFireOnce(Gap gap, Overlap overlap) {
            List<Instant> got = next("0,20,40 2 * * *", "Europe/Berlin", gap, overlap, "2025-03-30T00:00:00Z", 2);
            assertThat(got).isEqualTo(gap == Gap.SKIP
                    ? instants("2025-03-31T00:00:00Z", "2025-03-31T00:20:00Z")
                    : instants("2025-03-30T01:00:00Z", "2025-03-31T00:00:00Z"));
        }

        @Test
        void halfHourTransitionOfLordHowe() {
            // Australia/Lord_Howe 2025-10-05: 02:00 +10:30 jumps to 02:30 +11:00 (2025-10-04T15:30Z).
            assertThat(next("15 2 * * *", "Australia/Lord_Howe", Gap.SHIFT, Overlap.ONCE, "2025-10-04T00:00:00Z", 2))
                    .isEqualTo(instants("2025-10-04T15:30:00Z", "2025-10-05T15:15:00Z"));
            assertThat(next("15 2 * * *", "Australia/Lord_Howe", Gap.SKIP, Overlap.ONCE, "2025-10-04T00:00:00Z", 1))
                    .isEqualTo(instants("2025-10-05T15:15:00Z"));
        }
    }

    @Nested
    class FallBack {
        // Europe/Berlin 2025-10-26: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 happens at 00:30Z and 01:30Z.
        @ParameterizedTest(name = "Berlin {0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void berlinRepeatedTimeFiresOnceOrTwice(Gap gap, Overlap overlap) {
            List<Instant> got = next("30 2 * * *", "Europe/Berlin", gap, overlap, "2025-10-25T00:00:00Z", 3);
            assertThat(got).isEqualTo(overlap == Overlap.ONCE
                    ? instants("2025-10-25T00:30:00Z", "2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z")
                    : instants("2025-10-25T00:30:00Z", "2025-10-26T00:30:00Z", "2025-10-26T01:30:00Z"));
        }

        // America/New_York 2025-11-02: 02:00 EDT falls back to 01:00 EST (06:00Z); 01:30 happens at 05:30Z and 06:30Z.
        @ParameterizedTest(name = "New York {0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void newYorkRepeatedTimeFiresOnceOrTwice(Gap gap, Overlap overlap) {
            List<Instant> got = next("30 1 * * *", "America/New_York", gap, overlap, "2025-11-01T00:00:00Z", 3);
            assertThat(got).isEqualTo(overlap == Overlap.ONCE
                    ? instants("2025-11-01T05:30:00Z", "2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z")
                    : instants("2025-11-01T05:30:00Z", "2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z"));
        }

        @ParameterizedTest(name = "{0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void everyFifteenMinutesAcrossTheRepeatedHour(Gap gap, Overlap overlap) {
            List<Instant> got = next("*/15 * * * *", "Europe/Berlin", gap, overlap, "2025-10-25T23:30:00Z", 11);
            // once: the second pass of 02:00-02:45 (01:00Z-01:45Z) does not fire; twice: real-time cadence.
            assertThat(got).isEqualTo(overlap == Overlap.ONCE
                    ? instants("2025-10-25T23:45:00Z", "2025-10-26T00:00:00Z", "2025-10-26T00:15:00Z",
                    "2025-10-26T00:30:00Z", "2025-10-26T00:45:00Z", "2025-10-26T02:00:00Z", "2025-10-26T02:15:00Z",
                    "2025-10-26T02:30:00Z", "2025-10-26T02:45:00Z", "2025-10-26T03:00:00Z", "2025-10-26T03:15:00Z")
                    : instants("2025-10-25T23:45:00Z", "2025-10-26T00:00:00Z", "2025-10-26T00:15:00Z",
                    "2025-10-26T00:30:00Z", "2025-10-26T00:45:00Z", "2025-10-26T01:00:00Z", "2025-10-26T01:15:00Z",
                    "2025-10-26T01:30:00Z", "2025-10-26T01:45:00Z", "2025-10-26T02:00:00Z", "2025-10-26T02:15:00Z"));
        }

        @Test
        void startingInsideTheFirstPassStillFindsTheSecondPass() {
            // 00:45Z is 02:45 CEST; the next local 02:00 (CET) is at 01:00Z although its wall clock reads earlier.
            assertThat(next("*/15 * * * *", "Europe/Berlin", Gap.SHIFT, Overlap.TWICE, "2025-10-26T00:45:00Z", 3))
                    .isEqualTo(instants("2025-10-26T01:00:00Z", "2025-10-26T01:15:00Z", "2025-10-26T01:30:00Z"));
            assertThat(next("*/15 * * * *", "Europe/Berlin", Gap.SHIFT, Overlap.ONCE, "2025-10-26T00:45:00Z", 2))
                    .isEqualTo(instants("2025-10-26T02:00:00Z", "2025-10-26T02:15:00Z"));
        }

        @Test
        void hourlyScheduleOnTheFallBackNight() {
            assertThat(next("0 * * * *", "Europe/Berlin", Gap.SHIFT, Overlap.ONCE, "2025-10-25T23:30:00Z", 3))
                    .isEqualTo(instants("2025-10-26T00:00:00Z", "2025-10-26T02:00:00Z", "2025-10-26T03:00:00Z"));
            assertThat(next("0 * * * *", "Europe/Berlin", Gap.SHIFT, Overlap.TWICE, "2025-10-25T23:30:00Z", 3))
                    .isEqualTo(instants("2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z"));
        }
    }

    @Nested
    class OrdinaryDays {
        @Test
        void dailyFollowsTheZonesOffsetInWinterAndSummer() {
            FireTimes t = FireTimes.of("0 3 * * *", "Europe/Berlin", DstPolicy.DEFAULT);
            assertThat(t.next(Instant.parse("2025-01-15T00:00:00Z"))).contains(Instant.parse("2025-01-15T02:00:00Z"));
            assertThat(t.next(Instant.parse("2025-07-15T00:00:00Z"))).contains(Instant.parse("2025-07-15T01:00:00Z"));
        }

        @Test
        void weekdaysInNewYork() {
            // Friday 2025-06-13 10:00 EDT: next are 09:00 EDT on Monday and Tuesday.
            assertThat(next("0 9 * * MON-FRI", "America/New_York", Gap.SHIFT, Overlap.ONCE, "2025-06-13T14:00:00Z", 2))
                    .isEqualTo(instants("2025-06-16T13:00:00Z", "2025-06-17T13:00:00Z"));
        }

        @Test
        void dayOfMonthOrDayOfWeekAsInUnixCron() {
            // "13th or Friday": 2025-01-03 (Fri), 2025-01-10 (Fri), 2025-01-13 (Mon, the 13th).
            assertThat(next("0 0 13 * 5", "UTC", Gap.SHIFT, Overlap.ONCE, "2025-01-01T00:00:00Z", 3))
                    .isEqualTo(instants("2025-01-03T00:00:00Z", "2025-01-10T00:00:00Z", "2025-01-13T00:00:00Z"));
        }

        @Test
        void nextIsStrictlyAfterTheGivenInstant() {
            FireTimes t = FireTimes.of("0 * * * *", "UTC", DstPolicy.DEFAULT);
            assertThat(t.next(Instant.parse("2025-01-01T10:00:00Z"))).contains(Instant.parse("2025-01-01T11:00:00Z"));
            assertThat(t.next(Instant.parse("2025-01-01T09:59:59.999Z"))).contains(Instant.parse("2025-01-01T10:00:00Z"));
        }

        @Test
        void leapDayScheduleWaitsForTheNextLeapYear() {
            assertThat(next("0 12 29 2 *", "UTC", Gap.SHIFT, Overlap.ONCE, "2025-01-01T00:00:00Z", 2))
                    .isEqualTo(instants("2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z"));
        }
    }

    @Nested
    class LatestInAWindow {
        @ParameterizedTest(name = "{0}/{1}")
        @MethodSource("io.verdict.scheduler.schedules.FireTimesTest#everyPolicy")
        void walkingBackwardsFindsWhatWalkingForwardsFinds(Gap gap, Overlap overlap) {
            for (String zone : List.of("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC")) {
                for (String cron : List.of("*/15 * * * *", "30 2 * * *", "0 * * * *", "0,20,40 1-3 * * *")) {
                    FireTimes t = FireTimes.of(cron, zone, new DstPolicy(gap, overlap));
                    for (String[] w : List.of(new String[]{"2025-03-29T12:00:00Z", "2025-03-31T12:00:00Z"},
                            new String[]{"2025-10-25T12:00:00Z", "2025-10-27T12:00:00Z"},
                            new String[]{"2025-11-01T12:00:00Z", "2025-11-03T12:00:00Z"},
                            new String[]{"2025-10-04T00:00:00Z", "2025-10-06T00:00:00Z"})) {
                        Instant from = Instant.parse(w[0]);
                        Instant to = Instant.parse(w[1]);
                        List<Instant> all = t.between(from, to, 10_000);
                        FireTimes.Window everything = t.latest(from, to, 10_000);
                        assertThat(everything.times()).as(cron + " " + zone + " " + w[0]).isEqualTo(all);
                        assertThat(everything.truncated()).isFalse();
                        FireTimes.Window last5 = t.latest(from, to, 5);
                        assertThat(last5.times()).as(cron + " " + zone + " " + w[0])
                                .isEqualTo(all.subList(Math.max(0, all.size() - 5), all.size()));
                        assertThat(last5.firstOmitted()).isEqualTo(all.size() > 5 ? all.get(0) : null);
                    }
                }
            }
        }

        @Test
        void aYearOfAMinutelyScheduleCostsOnlyTheLimit() {
            FireTimes t = FireTimes.of("* * * * *", "Europe/Berlin", DstPolicy.DEFAULT);
            FireTimes.Window w = t.latest(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:30Z"), 3);
            assertThat(w.times()).isEqualTo(instants("2024-12-31T23:58:00Z", "2024-12-31T23:59:00Z",
                    "2025-01-01T00:00:00Z"));
            assertThat(w.firstOmitted()).isEqualTo(Instant.parse("2024-01-01T00:01:00Z"));
        }

        @Test
        void subMinutePrecisionInTheBoundsNeverLeaksIntoFireTimes() {
            FireTimes t = FireTimes.of("*/15 * * * *", "Europe/Berlin", DstPolicy.DEFAULT);
            assertThat(t.latest(Instant.parse("2025-01-01T09:59:59.999999999Z"), Instant.parse("2025-01-01T10:30:59.123456789Z"), 10)
                    .times()).isEqualTo(instants("2025-01-01T10:00:00Z", "2025-01-01T10:15:00Z", "2025-01-01T10:30:00Z"));
            assertThat(t.next(Instant.parse("2025-01-01T10:00:00.000000001Z"), 2))
                    .isEqualTo(instants("2025-01-01T10:15:00Z", "2025-01-01T10:30:00Z"));
        }

        @Test
        void windowBoundsAreExclusiveThenInclusive() {
            FireTimes t = FireTimes.of("0 * * * *", "UTC", DstPolicy.DEFAULT);
            assertThat(t.latest(Instant.parse("2025-01-01T10:00:00Z"), Instant.parse("2025-01-01T12:00:00Z"), 10).times())
                    .isEqualTo(instants("2025-01-01T11:00:00Z", "2025-01-01T12:00:00Z"));
            assertThat(t.latest(Instant.parse("2025-01-01T10:00:00Z"), Instant.parse("2025-01-01T10:00:00Z"), 10).times())
                    .isEmpty();
        }
    }

    @Nested
    class DstSkipped {
        private List<FireTimes.DstSkip> skipped(String cron, Gap gap, Overlap overlap, String from, String to) {
            return FireTimes.of(cron, "Europe/Berlin", new DstPolicy(gap, overlap))
                    .dstSkipped(Instant.parse(from), Instant.parse(to), 100);
        }

        @Test
        void aSkippedGapIsOneRecordAtTheTransitionNamingEveryLocalTime() {
            var s = skipped("*/20 2 * * *", Gap.SKIP, Overlap.ONCE, "2025-03-29T12:00:00Z", "2025-03-31T00:00:00Z");
            assertThat(s).singleElement().satisfies(k -> {
                assertThat(k.gap()).isTrue();
                assertThat(k.at()).isEqualTo(Instant.parse("2025-03-30T01:00:00Z"));
                assertThat(k.localTimes()).extracting(Object::toString)
                        .containsExactly("2025-03-30T02:00", "2025-03-30T02:20", "2025-03-30T02:40");
            });
            // shift fires them (at the transition): nothing is left out.
            assertThat(skipped("*/20 2 * * *", Gap.SHIFT, Overlap.ONCE, "2025-03-29T12:00:00Z", "2025-03-31T00:00:00Z"))
                    .isEmpty();
        }

        @Test
        void aGapWhoseTransitionIsAFireTimeLosesNothing() {
            // 02:30 is skipped but 03:00 fires at the very instant shift would have used.
            assertThat(skipped("0,30 * * * *", Gap.SKIP, Overlap.ONCE, "2025-03-30T00:00:00Z", "2025-03-30T03:00:00Z"))
                    .isEmpty();
            assertThat(FireTimes.of("0,30 * * * *", "Europe/Berlin", new DstPolicy(Gap.SKIP, Overlap.ONCE))
                    .between(Instant.parse("2025-03-30T00:50:00Z"), Instant.parse("2025-03-30T01:10:00Z"), 10))
                    .containsExactly(Instant.parse("2025-03-30T01:00:00Z"));
        }

        @Test
        void onceLeavesOutEachSecondPassOfTheRepeatedHour() {
            var s = skipped("0,30 2 * * *", Gap.SHIFT, Overlap.ONCE, "2025-10-25T12:00:00Z", "2025-10-27T00:00:00Z");
            assertThat(s).extracting(FireTimes.DstSkip::at)
                    .containsExactly(Instant.parse("2025-10-26T01:00:00Z"), Instant.parse("2025-10-26T01:30:00Z"));
            assertThat(s).allMatch(k -> !k.gap());
            assertThat(skipped("0,30 2 * * *", Gap.SHIFT, Overlap.TWICE, "2025-10-25T12:00:00Z", "2025-10-27T00:00:00Z"))
                    .isEmpty();
            // A window that starts inside the repeated hour still sees the rest of the second pass.
            assertThat(skipped("0,30 2 * * *", Gap.SHIFT, Overlap.ONCE, "2025-10-26T01:10:00Z", "2025-10-26T02:00:00Z"))
                    .extracting(FireTimes.DstSkip::at).containsExactly(Instant.parse("2025-10-26T01:30:00Z"));
        }

        @Test
        void skipsNeverShareAnInstantWithAFire() {
            for (String cron : List.of("* * * * *", "*/15 * * * *", "0,30 * * * *", "30 2 * * *", "0 3 * * *")) {
                FireTimes t = FireTimes.of(cron, "Europe/Berlin", new DstPolicy(Gap.SKIP, Overlap.ONCE));
                for (String day : List.of("2025-03-30", "2025-10-26")) {
                    Instant from = Instant.parse(day + "T00:00:00Z");
                    Instant to = from.plusSeconds(4 * 3600);
                    List<Instant> fires = t.between(from, to, 10_000);
                    for (FireTimes.DstSkip k : t.dstSkipped(from, to, 1000)) {
                        assertThat(fires).as(cron).doesNotContain(k.at());
                    }
                }
            }
        }

        @Test
        void windowsWithoutATransitionCostNothing() {
            assertThat(skipped("* * * * *", Gap.SKIP, Overlap.ONCE, "2025-06-01T00:00:00Z", "2025-06-30T00:00:00Z")).isEmpty();
        }
    }
}
