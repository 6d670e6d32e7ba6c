package io.verdict.scheduler.retry;

import java.time.Duration;

/** The outcome of a failed attempt: wait and try again, or give up. */
public sealed interface RetryDecision {
    record RetryAfter(int nextAttempt, Duration delay) implements RetryDecision {}

    record GiveUp(int attempts) implements RetryDecision {}
}
