package io.verdict.scheduler.http.api.runs;

import io.javalin.http.Context;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.usecases.CancelRun;
import io.verdict.scheduler.usecases.PreviewImpact;
import io.verdict.scheduler.usecases.RetryRun;
import io.verdict.scheduler.usecases.RetrySegment;
import io.verdict.scheduler.usecases.StartManualRun;
import io.verdict.scheduler.http.api.runs.RunRequests.ManualRun;
import io.verdict.scheduler.http.api.runs.RunRequests.Preview;
import io.verdict.scheduler.http.api.runs.RunRequests.PreviewResult;
import io.verdict.scheduler.http.api.runs.RunRequests.QueueLag;
import io.verdict.scheduler.http.api.runs.RunRequests.QueueRow;
import io.verdict.scheduler.http.api.runs.RunRequests.RetryBody;
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
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code /api/v1/scheduler/runs} and {@code /preview}: list, get, manual run, cancel, retries, deltas, stream, lag. */
public final class RunRoutes {
    public static final String PATH = Api.BASE + "/runs";

    private RunRoutes() {}

    public static void register(RouteTable routes, Api api, RunStreams streams, MicrometerSchedulerMetrics metrics) {
        Scheduler s = api.scheduler();

        // Literal paths before {runId} so "queue" is never read as a run ID.
        routes.get(PATH + "/queue/lag", Scope.RUNS_READ, (ctx, rc) -> api.responses().ok(ctx, queueLag(s, rc, metrics)));

        routes.get(PATH, Scope.RUNS_READ, (ctx, rc) -> {
            Page<Run> page = s.runs(RunQuery.filter(ctx, rc.tenantId(), null, null), Params.cursor(ctx), api.pageSize(ctx));
            api.responses().ok(ctx, new PageView<>(page.items().stream().map(r -> RunView.of(r, s.stats(r))).toList(),
                    page.nextCursor()));
        });

        routes.post(PATH, Scope.RUNS_WRITE, (ctx, rc) -> {
            Run run = api.useCases().startManualRun().execute(manualRun(api.bodies().read(ctx, ManualRun.class), rc)).run();
            ctx.header("Location", PATH + "/" + run.id());
            api.responses().json(ctx, 201, RunView.of(run, s.stats(run)));
        });

        routes.get(PATH + "/{runId}", Scope.RUNS_READ, (ctx, rc) -> {
            Run run = s.run(rc.tenantId(), Params.runId(ctx));
            api.responses().ok(ctx, RunView.of(run, s.stats(run)));
        });

        routes.post(PATH + "/{runId}/cancel", Scope.RUNS_MANAGE, (ctx, rc) -> {
            Run run = api.useCases().cancelRun().execute(new CancelRun.Command(Api.caller(rc), Params.runId(ctx))).run();
            api.responses().ok(ctx, RunView.of(run, s.stats(run)));
        });

        routes.post(PATH + "/{runId}/retry", Scope.RUNS_MANAGE, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            Api.requireFlag(api.settings().flags().retryEnabled(), "runs.retry.enabled");
            RetryRun.Scope scope = retryScope(ctx, api);
            switch (api.useCases().retryRun().execute(new RetryRun.Command(Api.caller(rc), runId, scope))) {
                case RetryRun.Result.Retried r -> {
                    Run run = r.planned().run();
                    ctx.header("Location", PATH + "/" + run.id());
                    api.responses().json(ctx, 201, RunView.of(run, s.stats(run)));
                }
                case RetryRun.Result.RunNotEnded r -> throw ApiProblem.conflict("run " + runId + " is "
                        + r.state().wire() + "; only ended runs can be retried (retry a failed segment instead)");
                case RetryRun.Result.NothingFailed r -> throw ApiProblem.conflict("no target of run " + runId
                        + " failed; retry with {\"scope\":\"all\"} to evaluate every target again");
            }
        });

        routes.post(PATH + "/{runId}/segments/{index}/retry", Scope.RUNS_MANAGE, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            int index = Params.intPath(ctx, "index", 0, 1_000_000);
            Api.requireFlag(api.settings().flags().retryEnabled(), "runs.retry.enabled");
            switch (api.useCases().retrySegment().execute(new RetrySegment.Command(Api.caller(rc), runId, index))) {
                case RetrySegment.Result.Requeued r -> api.responses().json(ctx, 202, SegmentView.of(r.segment()));
                case RetrySegment.Result.NotRetryable r -> throw ApiProblem.conflict("segment " + index + " is "
                        + r.state().wire() + "; only failed or dead segments can be retried");
                case RetrySegment.Result.CoolingDown r -> throw ApiProblem.tooManyRequests("segment " + index
                        + " is cooling down until " + r.until(), r.retryAfter());
                case RetrySegment.Result.RunEnded r -> throw ApiProblem.conflict("run " + runId + " is "
                        + r.state().wire() + " and an ended run never changes; retry the whole run with POST "
                        + PATH + "/" + runId + "/retry");
            }
        });

        routes.get(PATH + "/{runId}/deltas", Scope.RUNS_READ, (ctx, rc) -> {
            Run run = s.run(rc.tenantId(), Params.runId(ctx));
            api.responses().ok(ctx, deltaPage(s.deltas(run), Params.cursor(ctx), api.pageSize(ctx)));
        });

        routes.get(PATH + "/{runId}/stream", Scope.RUNS_READ, (ctx, rc) -> streams.stream(ctx, rc, Params.runId(ctx)));

        routes.post(Api.BASE + "/preview", Scope.RUNS_READ, (ctx, rc) ->
                api.responses().ok(ctx, preview(api, rc, api.bodies().read(ctx, Preview.class))));
    }

    static StartManualRun.Command manualRun(ManualRun b, RequestContext rc) {
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
        return new StartManualRun.Command(Api.caller(rc), selector, b.scheduleId(), mode, reasonText, policy);
    }

    static RetryRun.Scope retryScope(Context ctx, Api api) {
        byte[] raw = api.bodies().bytes(ctx);
        if (new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return RetryRun.Scope.FAILED;
        RetryBody b = api.bodies().read(ctx, RetryBody.class);
        if (b.scope() == null || b.scope().equals("failed")) return RetryRun.Scope.FAILED;
        if (b.scope().equals("all")) return RetryRun.Scope.ALL;
        throw ValidationException.of("scope", "must be failed or all");
    }

    static PreviewResult preview(Api api, RequestContext rc, Preview b) {
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

        PreviewImpact.Result result = api.useCases().previewImpact().execute(new PreviewImpact.Command(rc.tenantId(),
                Set.copyOf(purls), Set.copyOf(vulns), selector, b.usageOnly() != null && b.usageOnly()));
        ImpactSet impact = result.impact();
        Map<String, Integer> byNamespace = new TreeMap<>();
        List<SampleImage> sample = new ArrayList<>();
        for (ImpactedImage i : impact.images()) {
            for (String ns : i.namespaces()) byNamespace.merge(ns, 1, Integer::sum);
            if (sample.size() < sampleSize) {
                sample.add(new SampleImage(i.imageDigest(), i.registry(), i.repository(), i.namespaces(), i.tags(),
                        i.usedByEntrypoint()));
            }
        }
        return new PreviewResult(impact.total(), sample, byNamespace, impact.indexBuiltAt(), result.unresolvedVulnerabilityIds());
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
        for (QueueDepth d : s.queries().queueDepth()) {
            if (d.tenantId().equals(rc.tenantId())) {
                rows.add(new QueueRow(d.queue(), d.tenantId(), d.ready(), d.delayed(), d.leased(), d.total()));
            }
        }
        int active = (int) s.queries().activeRuns().stream().filter(r -> r.tenantId().equals(rc.tenantId())).count();
        return new QueueLag(rows, active, metrics.plannerHeartbeatAgeSeconds());
    }
}
