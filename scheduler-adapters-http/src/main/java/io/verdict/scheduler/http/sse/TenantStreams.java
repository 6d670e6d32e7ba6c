package io.verdict.scheduler.http.sse;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.http.FeatureFlags;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.usecases.TenantRunChanges;
import io.verdict.scheduler.usecases.TenantRunChanges.Change;
import io.verdict.scheduler.usecases.TenantRunChanges.Cursor;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The tenant-wide stream of run changes ({@code GET /console/runs/stream}) that keeps the console's runs list live.
 *
 * <p>Each event is {@code runChanged} with the run's current row (the {@code /console/runs} row) and an {@code id:}
 * that is a {@link Cursor} of the core's {@link TenantRunChanges}: made of stored run event sequence numbers, so a
 * reconnect with {@code Last-Event-ID} — to this process or to another one after a restart — resumes exactly after
 * it. A fresh connection starts with {@code ready} (carrying the present as its id: load the list, then apply what
 * follows); {@code heartbeat} is a named event (EventSource hides comments) every heartbeat interval, so the page
 * can tell a silent stream from a quiet tenant.
 *
 * <p>Memory per subscriber is bounded: its cursor (at most {@link TenantRunChanges#MAX_TRACKED} runs) and a wake-up
 * queue of three signals. One {@link TenantWatch} per tenant with subscribers follows the tenant's active runs'
 * event feeds and looks for new runs twice a second; it only wakes the subscribers, who then read their changes
 * through the use case (at most one read per {@link #COALESCE} per subscriber, however many events arrive).
 */
public final class TenantStreams implements AutoCloseable {
    /** Bursts of events (a worker reports every batch) are read and sent together. */
    static final long COALESCE_MS = 100;
    static final Duration COALESCE = Duration.ofMillis(COALESCE_MS);
    private static final long WATCH_MS = 500;

    private final TenantRunChanges feed;
    private final JsonCodec json;
    private final Duration heartbeat;
    private final FeatureFlags flags;
    private final Map<String, TenantWatch> watches = new ConcurrentHashMap<>();
    private final Set<TenantStream> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService clock;
    private volatile boolean closed;

    public TenantStreams(Scheduler scheduler, JsonCodec json, Duration heartbeat, FeatureFlags flags) {
        this.feed = new TenantRunChanges(scheduler.queries());
        this.json = json;
        this.heartbeat = heartbeat;
        this.flags = flags;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sse-tenant-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = heartbeat.toMillis();
        clock.scheduleAtFixedRate(() -> open.forEach(TenantStream::heartbeat), ms, ms, TimeUnit.MILLISECONDS);
        clock.scheduleWithFixedDelay(this::look, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Serves the stream of the caller's tenant; {@code row} turns a change into the list's row JSON.
     */
    public void stream(Context ctx, RequestContext rc, Function<Change, Object> row) throws Exception {
        Api.requireFlag(flags.sseEnabled(), "runs.sse.enabled");
        if (!RunStreams.acceptsEventStream(ctx.header("Accept"))) {
            throw new ApiProblem(406, "this endpoint streams text/event-stream; poll GET /console/runs for JSON");
        }
        Cursor resume = lastEventId(ctx);
        if (ctx.method().equals(HandlerType.HEAD)) {
            ctx.status(200).contentType("text/event-stream");
            return;
        }
        if (closed) throw new ApiProblem(503, "the server is shutting down");
        String tenant = rc.tenantId();
        TenantStream stream = new TenantStream(ctx.res(), feed, tenant, resume, json, row, heartbeat);
        // Watch before the first read: a change in between wakes the stream, which reads again (cursor-exact).
        watches.compute(tenant, (t, w) -> {
            TenantWatch x = w == null ? new TenantWatch(feed, t) : w;
            x.add(stream);
            return x;
        });
        open.add(stream);
        try {
            if (!closed) stream.serve();
        } finally {
            open.remove(stream);
            watches.computeIfPresent(tenant, (t, w) -> {
                if (!w.remove(stream)) return w;
                w.close();
                return null;
            });
        }
    }

    /** Open tenant streams (tests). */
    public int openStreams() {
        return open.size();
    }

    private void look() {
        for (TenantWatch w : watches.values()) {
            try {
                w.look();
            } catch (RuntimeException e) {
                // A store hiccup: look again next time; the streams keep their cursors.
            }
        }
    }

    static Cursor lastEventId(Context ctx) {
        String v = ctx.header("Last-Event-ID");
        String field = "Last-Event-ID";
        if (v == null || v.isBlank()) {
            v = ctx.queryParam("lastEventId");
            field = "lastEventId";
        }
        if (v == null || v.isBlank()) return null;
        return Cursor.parse(v, field);
    }

    @Override
    public void close() {
        closed = true;
        clock.shutdownNow();
        for (TenantStream s : open) s.stop();
        watches.values().forEach(TenantWatch::close);
    }
}
