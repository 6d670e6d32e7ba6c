package io.verdict.scheduler.http.api.events;

import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;

import java.util.List;

/**
 * {@code GET /api/v1/scheduler/events?after=ID&limit=N}: the tenant's outbound envelopes in outbox order, whatever
 * their delivery state — a pull alternative to webhooks. Cursor = the last item's {@code id}; ids only ever appear
 * in ascending order, so a reader polling with {@code nextAfter} sees every envelope once. Scope
 * {@code scheduler.runs.read}: the events describe runs the caller can already read.
 */
public final class EventFeedRoutes {
    private EventFeedRoutes() {}

    public static void register(RouteTable routes, Api api) {
        routes.get(Api.BASE + "/events", Scope.RUNS_READ, (ctx, rc) -> {
            long after = Params.longQuery(ctx, "after", 0, 0, Long.MAX_VALUE);
            List<OutboxEntry> page = EventViews.outbox(api.scheduler()).feed(rc.tenantId(), after, api.pageSize(ctx));
            api.responses().ok(ctx, new EventViews.FeedPage(page.stream().map(EventViews::item).toList(),
                    EventViews.nextAfter(page, after)));
        });
    }
}
