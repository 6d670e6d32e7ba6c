package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.planning.RunIdGenerator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Path and query parameters, validated: a malformed value is a 400 naming the parameter, never a 500. */
public final class Params {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private Params() {}

    public static String runId(Context ctx) {
        String id = ctx.pathParam("runId");
        if (!RunIdGenerator.isValid(id)) throw ValidationException.of("runId", "not a run ID (run:<tenant>:<stamp>:<nonce>)");
        return id;
    }

    public static String id(Context ctx, String name) {
        String id = ctx.pathParam(name);
        if (!ID.matcher(id).matches()) throw ValidationException.of(name, "malformed ID");
        return id;
    }

    public static String digest(Context ctx) {
        String d = ctx.pathParam("digest");
        if (!ImageRecord.isValidDigest(d)) throw ValidationException.of("digest", "must be sha256:<64 lower-case hex>");
        return d;
    }

    public static int intPath(Context ctx, String name, int min, int max) {
        return parseInt(name, ctx.pathParam(name), min, max);
    }

    public static int intQuery(Context ctx, String name, int dflt, int min, int max) {
        String v = single(ctx, name);
        return v == null ? dflt : parseInt(name, v, min, max);
    }

    public static long longQuery(Context ctx, String name, long dflt, long min, long max) {
        String v = single(ctx, name);
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw ValidationException.of(name, "must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw ValidationException.of(name, "must be a whole number");
        }
    }

    private static int parseInt(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw ValidationException.of(name, "must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw ValidationException.of(name, "must be a whole number");
        }
    }

    public static Instant instantQuery(Context ctx, String name) {
        String v = single(ctx, name);
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ValidationException.of(name, "must be an ISO-8601 UTC timestamp like 2025-10-26T14:05:11Z");
        }
    }

    /** A query parameter given at most once (an ambiguous repeat is an error). */
    public static String single(Context ctx, String name) {
        List<String> all = ctx.queryParams(name);
        if (all.isEmpty()) return null;
        if (all.size() > 1) throw ValidationException.of(name, "given more than once");
        String v = all.get(0);
        if (v.length() > 512) throw ValidationException.of(name, "too long");
        return v.isEmpty() ? null : v;
    }

    /** {@code ?state=queued,running} or {@code ?state=queued&state=running}. */
    public static Set<String> list(Context ctx, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : ctx.queryParams(name)) {
            for (String part : v.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) out.add(p);
            }
        }
        if (out.size() > 32) throw ValidationException.of(name, "too many values");
        return out;
    }

    /** The cursor of a paginated listing, checked for shape before it reaches a store. */
    public static String cursor(Context ctx) {
        String c = single(ctx, "cursor");
        if (c != null && !c.matches("[A-Za-z0-9_-]{1,512}")) throw ValidationException.of("cursor", "malformed cursor");
        return c;
    }
}
