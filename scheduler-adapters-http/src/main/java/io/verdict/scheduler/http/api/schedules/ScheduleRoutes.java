package io.verdict.scheduler.http.api.schedules;

import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.FireTime;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.NextRuns;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleBody;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleList;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleView;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.StateChange;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.schedules.Schedule;

import java.util.Map;

/** {@code /api/v1/scheduler/schedules}: CRUD, pause/resume and the next-runs preview. */
public final class ScheduleRoutes {
    public static final String PATH = Api.BASE + "/schedules";

    private ScheduleRoutes() {}

    public static void register(RouteTable routes, Api api, ScheduleOperations ops) {
        routes.get(PATH, Scope.SCHEDULES_READ, (ctx, rc) ->
                api.responses().ok(ctx, new ScheduleList(ops.list(rc.tenantId()).stream().map(ScheduleView::of).toList())));

        routes.post(PATH, Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            ScheduleDraft draft = ScheduleDraft.forCreate(api.bodies().read(ctx, ScheduleBody.class), rc.tenantId());
            Schedule s = ops.create(rc.tenantId(), rc.actor(), draft);
            api.audit(rc, "schedule.create", s.id(), Map.of("name", s.name()));
            ctx.header("Location", PATH + "/" + s.id());
            api.responses().json(ctx, 201, ScheduleView.of(s));
        });

        routes.get(PATH + "/{scheduleId}", Scope.SCHEDULES_READ, (ctx, rc) ->
                api.responses().ok(ctx, ScheduleView.of(ops.get(rc.tenantId(), Params.id(ctx, "scheduleId")))));

        routes.patch(PATH + "/{scheduleId}", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            String id = Params.id(ctx, "scheduleId");
            ops.get(rc.tenantId(), id); // 404 before 400: do not validate against a schedule that is not there
            ScheduleBody body = api.bodies().read(ctx, ScheduleBody.class);
            Schedule s = ops.update(rc.tenantId(), id, rc.actor(), body.version(),
                    current -> ScheduleDraft.forPatch(body, current, rc.tenantId()));
            api.audit(rc, "schedule.update", s.id(), Map.of("version", Long.toString(s.version())));
            api.responses().ok(ctx, ScheduleView.of(s));
        });

        routes.delete(PATH + "/{scheduleId}", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            Schedule s = ops.delete(rc.tenantId(), Params.id(ctx, "scheduleId"), rc.actor());
            api.audit(rc, "schedule.delete", s.id(), Map.of());
            ctx.status(204);
        });

        routes.post(PATH + "/{scheduleId}/pause", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            Schedule s = ops.setEnabled(rc.tenantId(), Params.id(ctx, "scheduleId"), rc.actor(), false);
            api.audit(rc, "schedule.pause", s.id(), Map.of());
            api.responses().ok(ctx, new StateChange(ScheduleView.of(s), null));
        });

        routes.post(PATH + "/{scheduleId}/resume", Scope.SCHEDULES_WRITE, (ctx, rc) -> {
            Schedule s = ops.setEnabled(rc.tenantId(), Params.id(ctx, "scheduleId"), rc.actor(), true);
            api.audit(rc, "schedule.resume", s.id(), Map.of());
            api.responses().ok(ctx, new StateChange(ScheduleView.of(s), ops.earliestNextRun(s).orElse(null)));
        });

        routes.get(PATH + "/{scheduleId}/next", Scope.SCHEDULES_READ, (ctx, rc) -> {
            Schedule s = ops.get(rc.tenantId(), Params.id(ctx, "scheduleId"));
            int count = Params.intQuery(ctx, "count", 5, 1, 100);
            api.responses().ok(ctx, new NextRuns(s.id(), s.cronExpression(), s.timezone(), s.enabled(),
                    ops.next(s, count).stream().map(z -> new FireTime(z.toInstant(), z.toOffsetDateTime().toString()))
                            .toList()));
        });
    }
}
