package io.verdict.scheduler.nats;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Unchecked wrappers naming the operation that failed, so a log line says what the scheduler was doing. */
final class NatsFailures {
    private NatsFailures() {}

    static RuntimeException unchecked(String what, Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        if (e instanceof RuntimeException r) return r;
        if (e instanceof IOException io) return new UncheckedIOException("NATS: cannot " + what, io);
        return new IllegalStateException("NATS: cannot " + what + ": " + e.getMessage(), e);
    }
}
