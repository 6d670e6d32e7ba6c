package io.verdict.scheduler.retry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Deterministic retry windows. The delay after failed attempt {@code n} of segment {@code index} of run
 * {@code runId} is a pure function of those values and the policy: jitter comes from a SHA-256 of
 * (runId, index, attempt), not from a random generator, so every replica computes the same window and a
 * retry scheduled by one node is recognised by all.
 */
public final class RetryWindows {
    private RetryWindows() {}

    /**
     * @param failedAttempt the attempt that just failed, starting at 1
     */
    public static RetryDecision afterFailure(String runId, int index, int failedAttempt, RetryPolicy policy) {
        if (failedAttempt < 1) throw new IllegalArgumentException("attempts start at 1");
        if (failedAttempt >= policy.maxAttempts()) return new RetryDecision.GiveUp(failedAttempt);
        return new RetryDecision.RetryAfter(failedAttempt + 1, delay(runId, index, failedAttempt, policy));
    }

    /** {@code base × 2^(n-1)} capped, plus hash jitter in {@code [0, jitterRatio × that)}, at least the cooldown. */
    public static Duration delay(String runId, int index, int failedAttempt, RetryPolicy policy) {
        long baseMs = policy.base().toMillis();
        long capMs = policy.cap().toMillis();
        int shift = Math.min(failedAttempt - 1, 40);
        long exp = baseMs > (capMs >> shift) ? capMs : Math.min(capMs, baseMs << shift);
        long jitter = (long) Math.floor(exp * policy.jitterRatio() * unitFraction(runId, index, failedAttempt));
        long ms = Math.max(policy.cooldown().toMillis(), exp + jitter);
        return Duration.ofMillis(ms);
    }

    /** The upper bound of any delay the policy can produce. */
    public static Duration maxDelay(RetryPolicy policy) {
        long capMs = policy.cap().toMillis();
        return Duration.ofMillis(Math.max(policy.cooldown().toMillis(), capMs + (long) Math.floor(capMs * policy.jitterRatio())));
    }

    /** A number in [0,1) from the hash of the inputs. */
    static double unitFraction(String runId, int index, int attempt) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((runId + "\u0000" + index + "\u0000" + attempt).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 7; i++) v = (v << 8) | (h[i] & 0xff);
            return v / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
