package io.verdict.scheduler.http.api;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.http.HttpSettings;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Bodies;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.Responses;

import java.util.Map;

/** What every route group needs: the scheduler facade, body reading, JSON answers, settings and the audit log. */
public record Api(Scheduler scheduler, Bodies bodies, Responses responses, HttpSettings settings) {
    public static final String BASE = "/api/v1/scheduler";

    /** Writes a manage action to the audit log: who (token subject), what, which target, under which correlation ID. */
    public void audit(RequestContext rc, String action, String target, Map<String, String> metadata) {
        scheduler.storage().audit().append(new AuditRecord(rc.tenantId(), rc.actor(), action, target,
                scheduler.clock().instant(), rc.correlationId(), metadata));
    }

    /** A feature switched off in configuration: the endpoint answers as if absent, naming the flag. */
    public static void requireFlag(boolean enabled, String flag) {
        if (!enabled) throw ApiProblem.notFound("disabled by configuration (" + flag + "=false)");
    }

    public int pageSize(io.javalin.http.Context ctx) {
        return io.verdict.scheduler.http.routes.Params.intQuery(ctx, "limit", settings.pageSizeDefault(), 1,
                settings.pageSizeMax());
    }
}
