package io.verdict.scheduler.redis;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.verdict.scheduler.errors.DependencyUnavailableException;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Fail fast while Redis is unreachable. Every adapter call goes through a circuit breaker: after a couple of
 * connection failures or timeouts it opens, and calls fail at once (instead of each waiting for the command
 * timeout) until a probe a second later succeeds. Failures surface as the core's
 * {@link DependencyUnavailableException}, which the HTTP layer answers with 503 and {@code Retry-After}.
 *
 * <p>Errors Redis itself returns (a script error, NOGROUP, BUSYGROUP) are answers, not unavailability: they pass
 * through unchanged and do not count against the breaker.
 */
public final class RedisGuard {
    private final CircuitBreaker breaker;
    private final String endpoint;

    RedisGuard(String endpoint) {
        this.endpoint = endpoint;
        this.breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(1))
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(RedisGuard::isUnavailability)
                .build());
    }

    static boolean isUnavailability(Throwable t) {
        return t instanceof RedisException && !(t instanceof RedisCommandExecutionException);
    }

    /** Runs one Redis call behind the breaker. */
    public <T> T call(Supplier<T> op) {
        try {
            return breaker.executeSupplier(op);
        } catch (CallNotPermittedException open) {
            throw new DependencyUnavailableException("redis", "circuit open after recent failures at " + endpoint, open);
        } catch (RedisException e) {
            if (!isUnavailability(e)) throw e;
            throw new DependencyUnavailableException("redis", e.getClass().getSimpleName() + " at " + endpoint, e);
        }
    }

    public void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }

    /** {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
    public String state() {
        return breaker.getState().name();
    }
}
