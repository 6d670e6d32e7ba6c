package io.verdict.scheduler.http.console;

import io.javalin.http.Context;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.api.runs.RunQuery;
import io.verdict.scheduler.http.api.runs.RunRequests.QueueRow;
import io.verdict.scheduler.http.console.ConsoleJson.DeltaCounts;
import io.verdict.scheduler.http.console.ConsoleJson.EventsPage;
import io.verdict.scheduler.http.console.ConsoleJson.EvidenceLinks;
import io.verdict.scheduler.http.console.ConsoleJson.ExecutorStatus;
import io.verdict.scheduler.http.console.ConsoleJson.PlannerStatus;
import io.verdict.scheduler.http.console.ConsoleJson.Progress;
import io.verdict.scheduler.http.console.ConsoleJson.QueueView;
import io.verdict.scheduler.http.console.ConsoleJson.RunDetail;
import io.verdict.scheduler.http.console.ConsoleJson.RunRow;
import io.verdict.scheduler.http.console.ConsoleJson.RunRows;
import io.verdict.scheduler.http.console.ConsoleJson.ScheduleBacklog;
import io.verdict.scheduler.http.console.ConsoleJson.Summary;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.sse.EventJson;
import io.verdict.scheduler.http.sse.EventJson.LogData;
import io.verdict.scheduler.http.sse.RunStreams;
import io.verdict.scheduler.http.views.RunJson.DeltaView;
import io.verdict.scheduler.http.views.RunJson.SegmentView;
import io.verdict.scheduler.http.views.RunJson.StatsView;
import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunCursor;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.Trigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code /console}: the Runs workspace (table, detail, live stream, polling fallback, queue card). */
public final class ConsoleRoutes {
    public static final String PATH = "/console";
    private static final int LOG_LINES = 50;
    private static final int DETAIL_DELTAS = 100;
    /** A filtered page stops after examining this many runs and hands out a cursor: no unbounded scans. */
    private static final int MAX_SCAN = 2_000;

    private ConsoleRoutes() {}

    public static void register(RouteTable routes, Api api, RunStreams streams, MicrometerSchedulerMetrics metrics) {
        Scheduler s = api.scheduler();
        boolean dashboard = api.settings().flags().dashboardEnabled();

        routes.get(PATH + "/runs", Scope.RUNS_READ, (ctx, rc) -> {
            Api.requireFlag(dashboard, "runs.dashboard.enabled");
            api.responses().ok(ctx, list(ctx, rc, api));
        });

        // Declared before /runs/{runId} so that path's template never takes "stream" for a run ID.
        routes.get(PATH + "/runs/stream", Scope.RUNS_READ, (ctx, rc) -> {
            Api.requireFlag(dashboard, "runs.dashboard.enabled");
            streams.tenant().stream(ctx, rc, c -> row(c.run(), c.stats(), s.clock().instant()));
        });

        routes.get(PATH + "/runs/{runId}", Scope.RUNS_READ, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            Api.requireFlag(dashboard, "runs.dashboard.enabled");
            api.responses().ok(ctx, detail(s, s.run(rc.tenantId(), runId)));
        });

        routes.get(PATH + "/runs/{runId}/stream", Scope.RUNS_READ, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            Api.requireFlag(dashboard, "runs.dashboard.enabled");
            streams.stream(ctx, rc, runId);
        });

        routes.get(PATH + "/runs/{runId}/events", Scope.RUNS_READ, (ctx, rc) -> {
            String runId = Params.runId(ctx);
            Api.requireFlag(dashboard, "runs.dashboard.enabled");
            Run run = s.run(rc.tenantId(), runId);
            long after = Params.longQuery(ctx, "after", 0, 0, Long.MAX_VALUE);
            int limit = Params.intQuery(ctx, "limit", 200, 1, 1000);
            List<EventJson.Envelope> events = s.queries().events().after(runId, after, limit).stream()
                    .map(EventJson::envelope).toList();
            long last = events.isEmpty() ? after : events.get(events.size() - 1).id();
            api.responses().ok(ctx, new EventsPage(runId, run.state().wire(), run.state().isTerminal(), events, last));
        });

        routes.get(PATH + "/queue", Scope.RUNS_READ, (ctx, rc) -> {
            Api.requireFlag(dashboard, "runs.dashboard.enabled");
            api.responses().ok(ctx, queue(s, rc, metrics));
        });
    }

    // ---- runs table ----------------------------------------------------------------------------------------

    private static Object list(Context ctx, RequestContext rc, Api api) {
        Scheduler s = api.scheduler();
        String tab = Params.single(ctx, "tab");
        if ("scheduled".equals(tab)) return ScheduledTab.list(ctx, rc, api);
        Set<RunState> tabStates = null;
        if (tab != null) {
            switch (tab) {
                case "active" -> tabStates = EnumSet.of(RunState.PLANNING, RunState.QUEUED, RunState.RUNNING);
                case "completed" -> tabStates = EnumSet.of(RunState.COMPLETED, RunState.CANCELLED);
                case "failures" -> tabStates = EnumSet.of(RunState.ERROR);
                default -> throw ValidationException.of("tab", "must be active, completed, scheduled or failures");
            }
        }
        RunFilter filter = RunQuery.filter(ctx, rc.tenantId(), tabStates, null);
        String severity = Params.single(ctx, "severity");
        if (severity != null && !Set.of("critical", "high", "medium", "low", "kev").contains(severity)) {
            throw ValidationException.of("severity", "must be critical, high, medium, low or kev");
        }
        // The planner cuts a run into shardCount shards (its segments, 0..shardCount-1): shard=N lists the runs
        // that have planner shard N, i.e. were planned into more than N shards (SPEC §7, seed: "planner shard").
        Integer shard = ctx.queryParam("shard") == null ? null : Params.intQuery(ctx, "shard", 0, 0, 1_000_000);
        int limit = api.pageSize(ctx);
        String cursor = Params.cursor(ctx);

        List<RunRow> rows = new ArrayList<>();
        Instant now = s.clock().instant();
        if (severity == null && shard == null) {
            Page<Run> page = s.runs(filter, cursor, limit);
            Map<String, RunStats> stats = s.stats(page.items());
            for (Run r : page.items()) rows.add(row(r, stats.get(r.id()), now));
            return new RunRows(rows, page.nextCursor(), tab);
        }
        // Post-filters on derived stats: scan store pages, bounded, and resume from the last run examined.
        int scanned = 0;
        Run lastExamined = null;
        boolean exhausted = false;
        while (rows.size() < limit && scanned < MAX_SCAN) {
            Page<Run> page = s.runs(filter, cursor, Math.min(500, Math.max(limit * 2, 50)));
            Map<String, RunStats> stats = s.stats(page.items());
            for (Run r : page.items()) {
                scanned++;
                lastExamined = r;
                RunStats st = stats.get(r.id());
                if (matches(severity, shard, r, st)) rows.add(row(r, st, now));
                if (rows.size() == limit || scanned >= MAX_SCAN) break;
            }
            boolean consumedPage = lastExamined == null || page.items().isEmpty()
                    || lastExamined == page.items().get(page.items().size() - 1);
            if (page.nextCursor() == null && consumedPage) {
                exhausted = true;
                break;
            }
            cursor = page.nextCursor();
            if (!consumedPage) break;
        }
        String next = exhausted || lastExamined == null ? null : RunCursor.of(lastExamined).encode();
        return new RunRows(rows, next, tab);
    }

    private static boolean matches(String severity, Integer shard, Run r, RunStats st) {
        if (shard != null && r.shardCount() <= shard) return false;
        if (severity == null) return true;
        return switch (severity) {
            case "critical" -> st.severity().newCriticals() > 0;
            case "high" -> st.severity().newCriticals() + st.severity().newHigh() > 0;
            case "medium" -> st.severity().newCriticals() + st.severity().newHigh() + st.severity().newMedium() > 0;
            case "low" -> st.severity().newCriticals() + st.severity().newHigh() + st.severity().newMedium() + st.severity().newLow() > 0;
            case "kev" -> st.severity().kevHits() > 0;
            default -> false;
        };
    }

    static RunRow row(Run r, RunStats st, Instant now) {
        Instant from = r.startedAt() != null ? r.startedAt() : r.createdAt();
        Instant to = r.finishedAt() != null ? r.finishedAt() : now;
        return new RunRow(r.id(), r.trigger().wire(), r.mode().wire(), r.state().wire(),
                r.error() == null ? null : r.error().code().name(), r.scheduleId(), progress(r, st),
                RunPhases.seconds(from, to), counts(st), badges(r, st), r.createdAt(), r.startedAt(), r.finishedAt(),
                r.reason() == null ? null : r.reason().policyRevision(), r.retryOf());
    }

    /**
     * Processed (evaluated, successfully or not) of total targets; the percentage is of targets evaluated
     * successfully, so a run in {@code error} shows its failed targets instead of 100 %, and a cancelled run its
     * cancelled ones.
     */
    static Progress progress(Run r, RunStats st) {
        int total = r.deduped();
        double pct = total == 0 ? (r.state() == io.verdict.scheduler.runs.RunState.COMPLETED ? 100.0 : 0.0)
                : Math.round(1000.0 * Math.min(total, st.completed()) / total) / 10.0;
        return new Progress(st.processed(), total, pct, st.completed(), st.failed(), st.cancelled(), st.queued());
    }

    static DeltaCounts counts(RunStats st) {
        return new DeltaCounts(st.deltas(), st.severity().newCriticals(), st.severity().newHigh(), st.severity().newMedium(), st.severity().newLow(), st.severity().resolved(),
                st.severity().quieted(), st.severity().kevHits());
    }

    static List<String> badges(Run r, RunStats st) {
        List<String> b = new ArrayList<>();
        if (st.severity().kevHits() > 0) b.add("kev");
        if (r.mode() == Mode.CONTENT_REFRESH || r.trigger() == Trigger.CONTENT_REFRESH) b.add("content-refresh");
        if (r.trigger() == Trigger.POLICY) b.add("policy-follow-up");
        if (r.retryOf() != null) b.add("retry");
        return b;
    }

    // ---- run detail ----------------------------------------------------------------------------------------

    static RunDetail detail(Scheduler s, Run r) {
        List<Segment> segments = s.segments(r);
        RunStats st = s.stats(r);
        Instant now = s.clock().instant();
        List<RunEventRecord> first = s.queries().events().after(r.id(), 0, 8);
        List<DeltaSummary> deltas = s.deltas(r);
        String base = PATH + "/runs/" + r.id();
        Summary summary = new Summary(r.id(), r.tenantId(), r.trigger().wire(), r.mode().wire(), r.state().wire(),
                r.error() == null ? null : r.error().code().name(), r.error() == null ? null : r.error().message(),
                r.scheduleId(), r.shardCount(), r.createdAt(), r.startedAt(), r.finishedAt(),
                r.reason() == null ? null : r.reason().correlationId(), r.planDigest(), r.retryOf(),
                r.reason() == null ? null : r.reason().policyRevision(),
                r.reason() == null ? null : r.reason().manualReason());
        List<LogData> logs = LogTail.last(s.queries().events(), r.id(), LOG_LINES).stream()
                .map(e -> (LogData) EventJson.data(e)).toList();
        return new RunDetail(summary, StatsView.of(st), progress(r, st), RunPhases.of(r, segments, first, st, now),
                RunPhases.throughput(r, st, now), badges(r, st), segments.stream().map(SegmentView::of).toList(),
                deltas.stream().limit(DETAIL_DELTAS).map(DeltaView::of).toList(), deltas.size(),
                new EvidenceLinks("/downloads/findings/" + r.id() + ".csv", base + "/evidence", base + "/evidence/bundle"),
                logs);
    }

    // ---- queue card ----------------------------------------------------------------------------------------

    static QueueView queue(Scheduler s, RequestContext rc, MicrometerSchedulerMetrics metrics) {
        List<QueueRow> rows = new ArrayList<>();
        long ready = 0, delayed = 0, leased = 0;
        for (QueueDepth d : s.queries().queueDepth()) {
            if (!d.tenantId().equals(rc.tenantId())) continue;
            rows.add(new QueueRow(d.queue(), d.tenantId(), d.ready(), d.delayed(), d.leased(), d.total()));
            ready += d.ready();
            delayed += d.delayed();
            leased += d.leased();
        }
        // The read model's counters (kept as segments change state), not a scan of every active run's segments.
        Map<String, long[]> bySchedule = new TreeMap<>();
        int planning = 0, queued = 0, running = 0;
        for (Backlog b : s.backlog()) {
            if (!b.tenantId().equals(rc.tenantId())) continue;
            planning += b.planningRuns();
            queued += b.queuedRuns();
            running += b.runningRuns();
            long[] c = bySchedule.computeIfAbsent(b.scheduleId() == null ? "" : b.scheduleId(), k -> new long[3]);
            c[0] += b.activeRuns();
            c[1] += b.pendingSegments();
            c[2] += b.pendingTargets();
        }
        List<ScheduleBacklog> backlog = new ArrayList<>();
        bySchedule.forEach((k, c) -> backlog.add(new ScheduleBacklog(k.isEmpty() ? null : k, (int) c[0], (int) c[1], c[2])));
        return new QueueView(rows, backlog,
                new PlannerStatus(metrics.plannerHeartbeatAgeSeconds(), metrics.lastHeartbeat(), planning),
                new ExecutorStatus(leased, ready, delayed, queued, running));
    }
}
