package io.verdict.scheduler.http.api.events;

import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;

import java.util.List;
import java.util.Map;

/**
 * The outbox's dead letters — envelopes no sink accepted within the configured attempts: {@code GET
 * /api/v1/scheduler/events/dead?after=ID} lists the tenant's, {@code POST /api/v1/scheduler/events/dead/{id}/replay}
 * puts one back in line (attempts reset; audited as {@code events.replay}). Scope {@code scheduler.runs.manage}
 * (also granted by {@code scheduler.admin}): the operators who retry and cancel runs are the ones who repair their
 * notifications, and a dead letter's error text names the receiver, which readers of runs need not see.
 */
public final class DeadLetterRoutes {
    private DeadLetterRoutes() {}

    public static void register(RouteTable routes, Api api) {
        routes.get(Api.BASE + "/events/dead", Scope.RUNS_MANAGE, (ctx, rc) -> {
            long after = Params.longQuery(ctx, "after", 0, 0, Long.MAX_VALUE);
            List<OutboxEntry> page = EventViews.outbox(api.scheduler()).deadLetters(rc.tenantId(), after, api.pageSize(ctx));
            api.responses().ok(ctx, new EventViews.DeadLetterPage(page.stream().map(EventViews::dead).toList(),
                    EventViews.nextAfter(page, after)));
        });

        routes.post(Api.BASE + "/events/dead/{eventId}/replay", Scope.RUNS_MANAGE, (ctx, rc) -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("eventId"));
            } catch (NumberFormatException e) {
                throw ApiProblem.badRequest("eventId", "must be the dead letter's numeric id");
            }
            if (!EventViews.outbox(api.scheduler()).replay(Api.caller(rc), id)) {
                // Another tenant's entry answers the same as a missing one (do not reveal existence).
                throw ApiProblem.notFound("no dead letter " + id);
            }
            api.responses().ok(ctx, new EventViews.Replayed(id, "pending"));
        });
    }
}
