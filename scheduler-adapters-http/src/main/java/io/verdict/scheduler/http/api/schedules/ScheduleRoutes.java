package io.verdict.scheduler.http.api.schedules;

import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.Decision;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.Decisions;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.FireTime;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.NextRuns;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleBody;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleList;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleView;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.StateChange;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.schedules.FireTimes;
import io.verdict.scheduler.schedules.Resumed;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleService;

import java.time.Instant;
import java.time.ZoneId;

/**
 * {@code /api/v1/scheduler/schedules}: CRUD, pause/resume, next-runs preview and the tick history, over the
 * core's {@link ScheduleService} (which validates, version-checks and audits every change).
 */
public final class ScheduleRoutes {
    public static final String PATH = Api.BASE + "/schedules";

    private ScheduleRoutes() {}

    private static Caller caller(RequestContext rc) {
        return new Caller(rc.tenantId(), rc.actor(), rc.correlationId());
    }

    public static void register(RouteTable routes, Api api) {
        ScheduleService svc = api.scheduler().schedules();
        ScheduleMergePatch patches = new ScheduleMergePatch(api.bodies().json());

        routes.get(PATH, Scope.SCHEDULES_READ, (ctx, rc) ->
                api.responses().ok(ctx, new ScheduleList(svc.list(rc.tenantId()).stream().map(ScheduleView::of).toList())));

        routes.post(PATH, Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            Schedule s = svc.create(caller(rc), ScheduleDraft.forCreate(api.bodies().read(ctx, ScheduleBody.class), rc.tenantId()));
            ctx.header("Location", PATH + "/" + s.id());
            api.responses().json(ctx, 201, ScheduleView.of(s));
        });

        routes.get(PATH + "/{scheduleId}", Scope.SCHEDULES_READ, (ctx, rc) ->
                api.responses().ok(ctx, ScheduleView.of(svc.get(rc.tenantId(), Params.id(ctx, "scheduleId")))));

        routes.patch(PATH + "/{scheduleId}", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            String id = Params.id(ctx, "scheduleId");
            Schedule current = svc.get(rc.tenantId(), id); // 404 before 400: never validate against a schedule not there
            ScheduleMergePatch.Patched p = patches.apply(current, api.bodies().bytes(ctx));
            long expected = p.expectedVersion() == null ? current.version() : p.expectedVersion();
            Schedule s = svc.update(caller(rc), id, ScheduleDraft.forPatch(p.merged(), rc.tenantId()), expected);
            api.responses().ok(ctx, ScheduleView.of(s));
        });

        routes.delete(PATH + "/{scheduleId}", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            svc.delete(caller(rc), Params.id(ctx, "scheduleId"));
            ctx.status(204);
        });

        routes.post(PATH + "/{scheduleId}/pause", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            Schedule s = svc.pause(caller(rc), Params.id(ctx, "scheduleId"));
            api.responses().ok(ctx, new StateChange(ScheduleView.of(s), null));
        });

        routes.post(PATH + "/{scheduleId}/resume", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            Resumed r = svc.resume(caller(rc), Params.id(ctx, "scheduleId"));
            api.responses().ok(ctx, new StateChange(ScheduleView.of(r.schedule()), r.nextRunAt()));
        });

        routes.get(PATH + "/{scheduleId}/next", Scope.SCHEDULES_READ, (ctx, rc) -> {
            Schedule s = svc.get(rc.tenantId(), Params.id(ctx, "scheduleId"));
            int count = Params.intQuery(ctx, "count", 5, 1, ScheduleService.MAX_NEXT);
            Instant asked = Params.instantQuery(ctx, "from");
            Instant from = asked == null ? api.scheduler().clock().instant() : asked;
            ZoneId zone = FireTimes.of(s).zone();
            api.responses().ok(ctx, new NextRuns(s.id(), s.cronExpression(), s.timezone(), s.enabled(), from,
                    svc.next(rc.tenantId(), s.id(), count, from).stream()
                            .map(i -> new FireTime(i, i.atZone(zone).toOffsetDateTime().toString())).toList()));
        });

        routes.get(PATH + "/{scheduleId}/decisions", Scope.SCHEDULES_READ, (ctx, rc) -> {
            String id = Params.id(ctx, "scheduleId");
            Instant before = Params.instantQuery(ctx, "before");
            int limit = Params.intQuery(ctx, "limit", 50, 1, ScheduleService.MAX_DECISIONS);
            api.responses().ok(ctx, new Decisions(id, svc.decisions(rc.tenantId(), id, before, limit).stream()
                    .map(Decision::of).toList()));
        });
    }
}
