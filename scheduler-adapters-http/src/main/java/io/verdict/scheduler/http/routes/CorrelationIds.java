package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The request's correlation ID: the client's {@code X-Correlation-Id} when it is well-formed, else a new UUID.
 * It is echoed in the response header, stamped on runs the request plans, and written to the audit log.
 */
public final class CorrelationIds {
    public static final String HEADER = "X-Correlation-Id";
    private static final String ATTRIBUTE = "verdict.correlationId";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private CorrelationIds() {}

    /** Assigns the ID at the start of a request (before handler) and echoes it. */
    public static void assign(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && VALID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        if (id == null) {
            assign(ctx);
            id = ctx.attribute(ATTRIBUTE);
        }
        return id;
    }
}
