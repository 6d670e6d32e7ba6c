package io.verdict.scheduler.http.api.audit;

import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.runs.Page;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/scheduler/audit}: the tenant's audit records (who did what to which target, when, under which
 * correlation ID), newest first, filtered by {@code actor}, {@code action}, {@code target} (exact) and
 * {@code from} (inclusive) / {@code to} (exclusive), paged with an opaque {@code cursor}. Scope
 * {@code scheduler.admin}: the log names every operator and what they touched, which run readers need not see. The
 * tenant is the token's, never a parameter's, so another tenant's records cannot be asked for.
 */
public final class AuditRoutes {
    public static final String PATH = Api.BASE + "/audit";

    private AuditRoutes() {}

    public record AuditEntry(String tenantId, String actor, String action, String target, Instant occurredAt,
                             String correlationId, Map<String, String> metadata) {
        static AuditEntry of(AuditRecord r) {
            return new AuditEntry(r.tenantId(), r.actor(), r.action(), r.target(), r.occurredAt(), r.correlationId(),
                    r.metadata());
        }
    }

    public record AuditPage(List<AuditEntry> items, String nextCursor) {}

    public static void register(RouteTable routes, Api api) {
        routes.get(PATH, Scope.ADMIN, (ctx, rc) -> {
            Page<AuditRecord> page = api.useCases().queryAudit().list(rc.tenantId(), Params.single(ctx, "actor"),
                    Params.single(ctx, "action"), Params.single(ctx, "target"), Params.instantQuery(ctx, "from"),
                    Params.instantQuery(ctx, "to"), Params.cursor(ctx), api.pageSize(ctx));
            api.responses().ok(ctx, new AuditPage(page.items().stream().map(AuditEntry::of).toList(), page.nextCursor()));
        });
    }
}
