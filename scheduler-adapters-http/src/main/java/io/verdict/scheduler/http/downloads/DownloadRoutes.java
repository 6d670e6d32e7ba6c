package io.verdict.scheduler.http.downloads;

import io.verdict.scheduler.evidence.EvidenceBundle;
import io.verdict.scheduler.evidence.FindingsCsv;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.views.RunJson.StatsView;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.runs.PlanInputs;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.usecases.SealEvidence;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evidence downloads: the findings delta CSV, the run's evidence summary (JSON), and the signed bundle route,
 * a signed deterministic tar.gz of a terminal run (404 while {@code runs.evidenceBundles} is off, 501 without a key).
 */
public final class DownloadRoutes {
    private DownloadRoutes() {}

    public record FileLink(String name, String mediaType, String url) {}

    public record SegmentSummary(int index, String state, int size, int attempt, String errorCode) {}

    /**
     * @param recordedAtPlanning true when the values are those the run was planned with; false for runs planned
     *                           before inputs were recorded (then index time and cursors are today's)
     * @param plan               the evidence manifest's {@code inputs} (selector, onlyIf, segment size, maxJobs,
     *                           run-ID instant and nonce, target list digest), null when not recorded
     */
    public record Inputs(Instant indexBuiltAt, String policyRevision, String correlationId, Map<String, String> cursors,
                         boolean recordedAtPlanning, Map<String, Object> plan) {}

    public record Bundle(boolean available, String url, String reason) {}

    public record EvidenceSummary(String runId, String tenantId, String trigger, String mode, String state,
                                  String planDigest, int shardCount, Instant createdAt, Instant startedAt,
                                  Instant finishedAt, StatsView stats, Inputs inputs, List<SegmentSummary> segments,
                                  int deltas, List<FileLink> files, Bundle bundle) {}

    public static void register(RouteTable routes, Api api) {
        Scheduler s = api.scheduler();

        routes.get("/downloads/findings/{runId}.csv", Scope.DOWNLOADS_READ, (ctx, rc) -> {
            Run run = s.run(rc.tenantId(), Params.runId(ctx));
            ctx.status(200);
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"findings-delta-"
                    + run.id().replace(':', '_') + ".csv\"");
            ctx.result(FindingsCsv.write(run.id(), s.deltas(run)).getBytes(StandardCharsets.UTF_8));
        });

        routes.get("/console/runs/{runId}/evidence", Scope.DOWNLOADS_READ, (ctx, rc) -> {
            Run run = s.run(rc.tenantId(), Params.runId(ctx));
            api.responses().ok(ctx, summary(s, run, api.settings().flags().evidenceBundles()));
        });

        routes.get("/console/runs/{runId}/evidence/bundle", Scope.DOWNLOADS_READ, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            Api.requireFlag(api.settings().flags().evidenceBundles(), "runs.evidenceBundles");
            Run run = s.run(rc.tenantId(), runId);
            switch (api.useCases().sealEvidence().execute(new SealEvidence.Command(rc.tenantId(), run.id()))) {
                case SealEvidence.Result.NoSigningKey none -> throw new ApiProblem(501, "this instance has no evidence "
                        + "signing key; GET /console/runs/" + runId + "/evidence gives the summary and /downloads/findings/"
                        + runId + ".csv the findings");
                case SealEvidence.Result.RunNotEnded r -> throw ApiProblem.conflict("run " + runId + " is "
                        + r.state().wire() + "; evidence is sealed when the run ends");
                case SealEvidence.Result.Sealed sealed -> {
                    ctx.status(200);
                    ctx.contentType("application/gzip");
                    ctx.header("Content-Disposition", "attachment; filename=\"evidence-" + run.id().replace(':', '_') + ".tar.gz\"");
                    ctx.result(sealed.tarGz());
                }
            }
        });
    }

    static EvidenceSummary summary(Scheduler s, Run r, boolean bundlesEnabled) {
        List<Segment> segments = s.segments(r);
        RunStats st = io.verdict.scheduler.runs.RunProgress.stats(r, segments);
        Map<String, String> cursors = new TreeMap<>();
        PlanInputs recorded = r.planInputs();
        if (recorded != null) {
            cursors.putAll(recorded.cursors());
        } else {
            for (String source : List.of("concelier", "excititor", "policy")) {
                s.queries().intakeCursor(r.tenantId(), source).map(Cursor::lastEventId).ifPresent(id -> cursors.put(source, id));
            }
        }
        List<SegmentSummary> segs = new ArrayList<>(segments.size());
        for (Segment g : segments) {
            segs.add(new SegmentSummary(g.index(), g.state().wire(), g.size(), g.attempt(),
                    g.error() == null ? null : g.error().code().name()));
        }
        String base = "/console/runs/" + r.id();
        return new EvidenceSummary(r.id(), r.tenantId(), r.trigger().wire(), r.mode().wire(), r.state().wire(),
                r.planDigest(), r.shardCount(), r.createdAt(), r.startedAt(), r.finishedAt(), StatsView.of(st),
                new Inputs(recorded != null ? recorded.indexBuiltAt() : s.indexBuiltAt(),
                        r.reason() == null ? null : r.reason().policyRevision(),
                        r.reason() == null ? null : r.reason().correlationId(), cursors, recorded != null,
                        recorded == null ? null : EvidenceBundle.inputs(r, segments, null)),
                segs, s.deltas(r).size(),
                List.of(new FileLink("findings-delta.csv", "text/csv", "/downloads/findings/" + r.id() + ".csv")),
                bundle(s, r, base, bundlesEnabled));
    }

    private static Bundle bundle(Scheduler s, Run r, String base, boolean enabled) {
        if (!enabled) return new Bundle(false, base + "/evidence/bundle", "runs.evidenceBundles is off");
        if (!s.signsEvidence()) return new Bundle(false, base + "/evidence/bundle", "no evidence signing key configured");
        if (!r.state().isTerminal()) return new Bundle(false, base + "/evidence/bundle", "sealed when the run ends");
        return new Bundle(true, base + "/evidence/bundle", null);
    }
}
