package io.verdict.scheduler.http.api;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.http.HttpSettings;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Bodies;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.Responses;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.usecases.UseCases;

/** What every route group needs: the scheduler's use cases, body reading, JSON answers and settings. */
public record Api(Scheduler scheduler, Bodies bodies, Responses responses, HttpSettings settings) {
    public static final String BASE = "/api/v1/scheduler";

    public UseCases useCases() {
        return scheduler.useCases();
    }

    /** Who asks, as the use cases (and their audit records) name them: the token's tenant and subject, the request's correlation ID. */
    public static Caller caller(RequestContext rc) {
        return new Caller(rc.tenantId(), rc.actor(), rc.correlationId());
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
