package io.verdict.scheduler.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.Set;

/**
 * Drops the embedded store's ERROR-with-stack-trace for a duplicate key. The in-process MongoDB wire server logs
 * every error it sends back to its client; a duplicate key is how the Mongo adapter learns "this lock is held" or
 * "this event was already processed", so each contended request wrote a 3.5 KB stack trace. The adapter handles
 * the reply and the HTTP layer logs the outcome once (a WARN naming the code), so nothing is lost. Any other
 * error of the embedded store still gets through.
 */
public final class ExpectedStoreErrors extends TurboFilter {
    private static final String EMBEDDED_STORE = "de.bwaldvogel";
    private static final Set<String> EXPECTED = Set.of(
            "de.bwaldvogel.mongo.exception.DuplicateKeyError", "de.bwaldvogel.mongo.exception.KeyConstraintError");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || !logger.getName().startsWith(EMBEDDED_STORE)) return FilterReply.NEUTRAL;
        Throwable cause = t;
        if (cause == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            cause = last; // slf4j: a trailing Throwable argument is the exception
        }
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (EXPECTED.contains(cause.getClass().getName())) return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
