package io.verdict.scheduler.audit;

import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.errors.ValidationException.FieldError;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a tenant's audit records. {@code actor}, {@code action} and {@code target} match exactly (null: any);
 * {@code from} is inclusive and {@code to} exclusive, both at millisecond precision (what the stores keep). The
 * order is newest first — (occurredAt desc, append order desc) — so the first page is what an operator asks for
 * ("what just happened"); records appended while paging sort before the first page and never shift later pages.
 * Invalid values are refused here, naming the field, so every adapter receives only a valid query.
 */
public record AuditQuery(String tenantId, String actor, String action, String target, Instant from, Instant to,
                         AuditCursor after, int limit) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;
    static final int MAX_FILTER_LENGTH = 256;

    public AuditQuery {
        List<FieldError> errors = new ArrayList<>();
        if (tenantId == null || tenantId.isBlank()) errors.add(new FieldError("tenantId", "is required"));
        actor = filter("actor", actor, errors);
        action = filter("action", action, errors);
        target = filter("target", target, errors);
        from = from == null ? null : from.truncatedTo(ChronoUnit.MILLIS);
        to = to == null ? null : to.truncatedTo(ChronoUnit.MILLIS);
        if (from != null && to != null && !from.isBefore(to)) errors.add(new FieldError("to", "must be after from"));
        if (limit < 1 || limit > MAX_LIMIT) errors.add(new FieldError("limit", "must be between 1 and " + MAX_LIMIT));
        if (!errors.isEmpty()) throw new ValidationException(errors);
    }

    /** Every record of the tenant, newest first, the default page size. */
    public static AuditQuery tenant(String tenantId) {
        return new AuditQuery(tenantId, null, null, null, null, null, null, DEFAULT_LIMIT);
    }

    /** The same filters, continuing after {@code cursor}. */
    public AuditQuery after(AuditCursor cursor) {
        return new AuditQuery(tenantId, actor, action, target, from, to, cursor, limit);
    }

    public AuditQuery withLimit(int n) {
        return new AuditQuery(tenantId, actor, action, target, from, to, after, n);
    }

    /** True when {@code r} passes the filters (not the cursor): the in-memory adapter's predicate, and the spec of the others. */
    public boolean matches(AuditRecord r) {
        if (!tenantId.equals(r.tenantId())) return false;
        if (actor != null && !actor.equals(r.actor())) return false;
        if (action != null && !action.equals(r.action())) return false;
        if (target != null && !target.equals(r.target())) return false;
        long at = occurredMs(r);
        if (from != null && at < from.toEpochMilli()) return false;
        if (to != null && at >= to.toEpochMilli()) return false;
        return true;
    }

    /** The record's instant as the stores order it (a record without one sorts as the epoch). */
    public static long occurredMs(AuditRecord r) {
        return r.occurredAt() == null ? 0L : r.occurredAt().toEpochMilli();
    }

    private static String filter(String field, String value, List<FieldError> errors) {
        if (value == null || value.isEmpty()) return null;
        if (value.length() > MAX_FILTER_LENGTH) {
            errors.add(new FieldError(field, "is " + value.length() + " characters; at most " + MAX_FILTER_LENGTH));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }
}
