package io.verdict.scheduler.http.api.runs;

import io.javalin.http.Context;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.api.intake.VulnerabilityCatalog;
import io.verdict.scheduler.http.api.runs.RunRequests.ManualRun;
import io.verdict.scheduler.http.api.runs.RunRequests.Preview;
import io.verdict.scheduler.http.api.runs.RunRequests.PreviewResult;
import io.verdict.scheduler.http.api.runs.RunRequests.QueueLag;
import io.verdict.scheduler.http.api.runs.RunRequests.QueueRow;
import io.verdict.scheduler.http.api.runs.RunRequests.SampleImage;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.sse.RunStreams;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.http.views.RunJson.DeltaView;
import io.verdict.scheduler.http.views.RunJson.PageView;
import io.verdict.scheduler.http.views.RunJson.RunView;
import io.verdict.scheduler.http.views.RunJson.SegmentView;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.ImpactedImage;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Schedule;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code /api/v1/scheduler/runs} and {@code /preview}: list, get, manual run, cancel, retries, deltas, stream, lag. */
public final class RunRoutes {
    public static final String PATH = Api.BASE + "/runs";

    private RunRoutes() {}

    public static void register(RouteTable routes, Api api, VulnerabilityCatalog catalog,
                                RunStreams streams, MicrometerSchedulerMetrics metrics) {
        Scheduler s = api.scheduler();

        // Literal paths before {runId} so "queue" is never read as a run ID.
        routes.get(PATH + "/queue/lag", Scope.RUNS_READ, (ctx, rc) -> api.responses().ok(ctx, queueLag(s, rc, metrics)));

        routes.get(PATH, Scope.RUNS_READ, (ctx, rc) -> {
            Page<Run> page = s.runs(RunQuery.filter(ctx, rc.tenantId(), null, null), Params.cursor(ctx), api.pageSize(ctx));
            api.responses().ok(ctx, new PageView<>(page.items().stream().map(r -> RunView.of(r, s.stats(r))).toList(),
                    page.nextCursor()));
        });

        routes.post(PATH, Scope.RUNS_WRITE, (ctx, rc) -> {
            PlannedRun planned = s.plan(manualRun(api.bodies().read(ctx, ManualRun.class), rc, s.schedules()));
            Run run = planned.run();
            api.audit(rc, "run.create", run.id(), Map.of("mode", run.mode().wire(), "targets", Integer.toString(run.deduped())));
            ctx.header("Location", PATH + "/" + run.id());
            api.responses().json(ctx, 201, RunView.of(run, s.stats(run)));
        });

        routes.get(PATH + "/{runId}", Scope.RUNS_READ, (ctx, rc) -> {
            Run run = s.run(rc.tenantId(), Params.runId(ctx));
            api.responses().ok(ctx, RunView.of(run, s.stats(run)));
        });

        routes.post(PATH + "/{runId}/cancel", Scope.RUNS_MANAGE, (ctx, rc) -> {
            Run run = s.cancel(rc.tenantId(), Params.runId(ctx), rc.actor());
            api.responses().ok(ctx, RunView.of(run, s.stats(run)));
        });

        routes.post(PATH + "/{runId}/retry", Scope.RUNS_MANAGE, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            Api.requireFlag(api.settings().flags().retryEnabled(), "runs.retry.enabled");
            Run run = s.retry(rc.tenantId(), runId, rc.actor()).run();
            ctx.header("Location", PATH + "/" + run.id());
            api.responses().json(ctx, 201, RunView.of(run, s.stats(run)));
        });

        routes.post(PATH + "/{runId}/segments/{index}/retry", Scope.RUNS_MANAGE, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            int index = Params.intPath(ctx, "index", 0, 1_000_000);
            Api.requireFlag(api.settings().flags().retryEnabled(), "runs.retry.enabled");
            Segment seg = s.retrySegment(rc.tenantId(), runId, index, rc.actor());
            api.responses().json(ctx, 202, SegmentView.of(seg));
        });

        routes.get(PATH + "/{runId}/deltas", Scope.RUNS_READ, (ctx, rc) -> {
            Run run = s.run(rc.tenantId(), Params.runId(ctx));
            api.responses().ok(ctx, deltaPage(s.deltas(run), Params.cursor(ctx), api.pageSize(ctx)));
        });

        routes.get(PATH + "/{runId}/stream", Scope.RUNS_READ, (ctx, rc) -> streams.stream(ctx, rc, Params.runId(ctx)));

        routes.post(Api.BASE + "/preview", Scope.RUNS_READ, (ctx, rc) ->
                api.responses().ok(ctx, preview(s, catalog, rc, api.bodies().read(ctx, Preview.class))));
    }

    static PlanRequest manualRun(ManualRun b, RequestContext rc, io.verdict.scheduler.schedules.ScheduleService schedules) {
        FieldErrors errors = new FieldErrors();
        String reasonText = errors.text("reason", b.reason(), false, 500);
        String policy = errors.text("policySnapshot", b.policySnapshot(), false, 128);
        Mode mode = null;
        if (b.mode() != null) {
            mode = Mode.fromWire(b.mode()).orElse(null);
            if (mode == null) errors.add("mode", "must be analysis-only or content-refresh");
        }
        if (b.scheduleId() != null && b.selector() != null) errors.add("selector", "give scheduleId or selector, not both");
        if (b.scheduleId() == null && b.selector() == null) errors.add("selector", "required unless scheduleId is given");
        if (b.scheduleId() != null && !b.scheduleId().matches("[A-Za-z0-9._:-]{1,128}")) errors.add("scheduleId", "malformed ID");
        Selector selector = b.selector() == null ? null : b.selector().toSelector(rc.tenantId(), "selector", errors);
        errors.throwIfAny();

        Integer onlyIfDays = null;
        String scheduleId = null;
        if (b.scheduleId() != null) {
            Schedule sch = schedules.get(rc.tenantId(), b.scheduleId());
            scheduleId = sch.id();
            selector = sch.selection() == null ? Selector.allImages(rc.tenantId()) : sch.selection().withTenant(rc.tenantId());
            if (mode == null) mode = sch.mode();
            if (policy == null) policy = sch.onlyIf().policyRevision();
            onlyIfDays = sch.onlyIf().lastReportOlderThanDays();
        }
        RunReason reason = new RunReason(reasonText == null ? "manual run by " + rc.actor() : reasonText, null, null,
                null, null, null, policy, rc.correlationId());
        return new PlanRequest(rc.tenantId(), Trigger.MANUAL, mode, selector, Set.of(), true, false, reason, scheduleId,
                null, Set.of(), onlyIfDays);
    }

    static PreviewResult preview(Scheduler s, VulnerabilityCatalog catalog, RequestContext rc, Preview b) {
        FieldErrors errors = new FieldErrors();
        List<String> purls = io.verdict.scheduler.http.api.intake.documents.PurlFields.queries(errors, "purls", b.purls(), 10_000);
        List<String> vulns = errors.texts("vulnerabilityIds", b.vulnerabilityIds(), 10_000, 64);
        if ((b.purls() == null || b.purls().isEmpty()) && (b.vulnerabilityIds() == null || b.vulnerabilityIds().isEmpty())) {
            errors.add("purls", "give purls[] or vulnerabilityIds[]");
        }
        int sampleSize = b.sampleSize() == null ? 10 : b.sampleSize();
        if (sampleSize < 0 || sampleSize > 100) errors.add("sampleSize", "must be 0..100");
        Selector selector = b.selector() == null ? null : b.selector().toSelector(rc.tenantId(), "selector", errors);
        errors.throwIfAny();

        VulnerabilityCatalog.Resolution resolved = catalog.resolve(rc.tenantId(), vulns);
        Set<String> all = new HashSet<>(purls);
        all.addAll(resolved.purls());
        ImpactSet impact = all.isEmpty()
                ? new ImpactSet(selector, List.of(), false, s.clock().instant(), 0, s.index().builtAt())
                : s.preview(new PlanRequest(rc.tenantId(), Trigger.MANUAL, null, selector, all, false,
                        b.usageOnly() != null && b.usageOnly(), null, null, null, null, null));
        Map<String, Integer> byNamespace = new TreeMap<>();
        List<SampleImage> sample = new ArrayList<>();
        for (ImpactedImage i : impact.images()) {
            for (String ns : i.namespaces()) byNamespace.merge(ns, 1, Integer::sum);
            if (sample.size() < sampleSize) {
                sample.add(new SampleImage(i.imageDigest(), i.registry(), i.repository(), i.namespaces(), i.tags(),
                        i.usedByEntrypoint()));
            }
        }
        return new PreviewResult(impact.total(), sample, byNamespace, impact.indexBuiltAt(), resolved.unresolved());
    }

    /** Deltas sorted by image digest; the cursor is the last digest served. */
    static PageView<DeltaView> deltaPage(List<DeltaSummary> all, String cursor, int limit) {
        String after = null;
        if (cursor != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ValidationException.of("cursor", "malformed cursor");
            }
        }
        List<DeltaView> out = new ArrayList<>();
        String last = null;
        boolean more = false;
        for (DeltaSummary d : all) {
            if (after != null && d.imageDigest().compareTo(after) <= 0) continue;
            if (out.size() == limit) {
                more = true;
                break;
            }
            out.add(DeltaView.of(d));
            last = d.imageDigest();
        }
        return new PageView<>(out, more ? Base64.getUrlEncoder().withoutPadding()
                .encodeToString(last.getBytes(StandardCharsets.UTF_8)) : null);
    }

    static QueueLag queueLag(Scheduler s, RequestContext rc, MicrometerSchedulerMetrics metrics) {
        List<QueueRow> rows = new ArrayList<>();
        for (QueueDepth d : s.queue().depth()) {
            if (d.tenantId().equals(rc.tenantId())) {
                rows.add(new QueueRow(d.queue(), d.tenantId(), d.ready(), d.delayed(), d.leased(), d.total()));
            }
        }
        int active = (int) s.storage().runs().active().stream().filter(r -> r.tenantId().equals(rc.tenantId())).count();
        return new QueueLag(rows, active, metrics.plannerHeartbeatAgeSeconds());
    }
}
