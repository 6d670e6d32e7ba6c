package io.verdict.scheduler.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryWindowsTest {
    private static final RetryPolicy POLICY =
            new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(60), 0.25, 6, Duration.ofSeconds(1));

    @Test
    void delayDoublesPerAttemptWithinJitterBounds() {
        for (int attempt = 1; attempt < 6; attempt++) {
            long exp = Math.min(60_000, 2_000L << (attempt - 1));
            Duration d = RetryWindows.delay("run:t:20251026T140511Z:00000000abcd", 3, attempt, POLICY);
            assertThat(d.toMillis()).as("attempt %d", attempt).isBetween(exp, exp + (long) (exp * 0.25));
        }
    }

    @Test
    void delayIsCappedForever() {
        Duration max = RetryWindows.maxDelay(POLICY);
        for (int attempt = 1; attempt < 200; attempt++) {
            assertThat(RetryWindows.delay("r", 0, attempt, POLICY)).isLessThanOrEqualTo(max);
        }
        assertThat(max).isEqualTo(Duration.ofSeconds(75));
    }

    @Test
    void sameInputsGiveTheSameWindowOnEveryReplica() {
        // Two "replicas" are just two calls: no hidden state, no randomness, no clock.
        for (int i = 0; i < 50; i++) {
            assertThat(RetryWindows.afterFailure("run:a:20251026T140511Z:0000000000" + i, i, 2, POLICY))
                    .isEqualTo(RetryWindows.afterFailure("run:a:20251026T140511Z:0000000000" + i, i, 2, POLICY));
        }
    }

    @Test
    void jitterSpreadsSegmentsOfTheSameRunApart() {
        long distinct = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> RetryWindows.delay("run:a:20251026T140511Z:000000000001", i, 3, POLICY))
                .distinct().count();
        assertThat(distinct).isGreaterThan(50);
    }

    @Test
    void givesUpAfterMaxAttempts() {
        assertThat(RetryWindows.afterFailure("r", 0, 5, POLICY)).isInstanceOf(RetryDecision.RetryAfter.class);
        assertThat(((RetryDecision.RetryAfter) RetryWindows.afterFailure("r", 0, 5, POLICY)).nextAttempt()).isEqualTo(6);
        assertThat(RetryWindows.afterFailure("r", 0, 6, POLICY)).isEqualTo(new RetryDecision.GiveUp(6));
    }

    @Test
    void cooldownIsAFloor() {
        RetryPolicy tiny = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 0, 3, Duration.ofSeconds(5));
        assertThat(RetryWindows.delay("r", 0, 1, tiny)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsNonsensePolicies() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), 0, 3, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 1.5, 3, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 0.1, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryWindows.afterFailure("r", 0, 0, POLICY)).isInstanceOf(IllegalArgumentException.class);
    }
}
