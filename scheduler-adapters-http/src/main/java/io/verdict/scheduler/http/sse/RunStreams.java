package io.verdict.scheduler.http.sse;

import io.javalin.http.Context;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.http.FeatureFlags;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.runs.Run;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Server-Sent Events for one run ({@code /console/runs/{id}/stream} and {@code /runs/{id}/stream}).
 *
 * <p>A client's request thread replays the stored events after its {@code Last-Event-ID} (or {@code ?lastEventId=}
 * for clients that cannot set headers); then the response goes asynchronous and its run's {@link RunFanOut} writer
 * sends the live events, non-blocking, to every client of the run. Events go in sequence order with {@code id:} =
 * sequence number; a gap (a late or lost live event of a distributed log) is filled from the stored log, so a
 * client misses nothing, and a client too slow for the run's ring is disconnected, to resume with its
 * {@code Last-Event-ID}. The event log's listener never waits on a client, so no client slows a worker.
 *
 * <p>Content negotiation: the stream is served when {@code Accept} admits {@code text/event-stream} (named,
 * {@code text/*}, {@code *}{@code /*} or no Accept at all, so plain {@code curl -N} works); any other Accept gets
 * 406 problem+json pointing to the polling endpoint. A finished run whose events were all delivered answers 204,
 * which tells EventSource clients to stop reconnecting.
 */
public final class RunStreams implements AutoCloseable {
    private final Scheduler scheduler;
    private final FrameCache frames;
    private final Duration heartbeat;
    private final FeatureFlags flags;
    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final ScheduledExecutorService clock;
    private final TenantStreams tenantStreams;
    private final Map<String, RunFanOut> fanOuts = new ConcurrentHashMap<>();
    /** Streams ended whose responses are still completing (shutdown waits for them). */
    private final AtomicInteger completing = new AtomicInteger();
    /**
     * Wake-ups of one run's clients are at least this far apart (events in between go out together). The
     * default was chosen with {@code SseFanOutBenchmark}; {@code -Dverdict.sse.coalesceMs=0} wakes on every event.
     */
    private final long coalesceNanos = TimeUnit.MILLISECONDS.toNanos(Long.getLong("verdict.sse.coalesceMs", 20));

    public RunStreams(Scheduler scheduler, JsonCodec json, Duration heartbeat, FeatureFlags flags) {
        this.scheduler = scheduler;
        this.frames = new FrameCache(json);
        this.heartbeat = heartbeat;
        this.flags = flags;
        this.tenantStreams = new TenantStreams(scheduler, json, heartbeat, flags);
        // One clock beats for every open stream at the fixed interval.
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = heartbeat.toMillis();
        clock.scheduleAtFixedRate(() -> fanOuts.values().forEach(RunFanOut::heartbeat), ms, ms, TimeUnit.MILLISECONDS);
    }

    public void stream(Context ctx, RequestContext rc, String runId) throws Exception {
        Api.requireFlag(flags.sseEnabled(), "runs.sse.enabled");
        Run run = scheduler.run(rc.tenantId(), runId);
        if (!acceptsEventStream(ctx.header("Accept"))) {
            throw new ApiProblem(406, "this endpoint streams text/event-stream; poll GET /console/runs/" + runId
                    + "/events?after=ID for JSON");
        }
        if (ctx.method().equals(io.javalin.http.HandlerType.HEAD)) {
            // Same checks as GET (token, scope, tenant, run, Accept) but no stream: a HEAD has no body to hold open.
            ctx.status(200).contentType("text/event-stream");
            return;
        }
        long after = lastEventId(ctx);
        RunEventFeed log = scheduler.queries().events();
        if (closed) throw new ApiProblem(503, "the server is shutting down");
        if (run.state().isTerminal() && log.after(runId, after, 1).isEmpty()) {
            ctx.status(204);
            return;
        }
        EventStream stream = new EventStream(ctx.res(), runId, after);
        // Join the run's fan-out (subscribed to the log) before replaying: an event appended in between is then
        // both replayed and published, and the sequence check drops the copy. Joining after could lose it.
        RunFanOut fan = join(runId, stream, log);
        open.add(stream);
        boolean handedOver = false;
        try {
            stream.open(log, frames);
            if (closed) return;
            // From here the request is asynchronous: its thread returns, the run's writer serves the stream, and
            // the response ends when the stream's future completes.
            ctx.future(() -> stream.goLive(fan, ctx.req().getAsyncContext()));
            handedOver = true;
        } catch (IOException | IllegalStateException clientGone) {
            // The client disconnected during the replay: nothing left to do for it.
        } finally {
            if (!handedOver) ended(fan, stream);
        }
    }

    private RunFanOut join(String runId, EventStream stream, RunEventFeed log) {
        return fanOuts.compute(runId, (id, f) -> {
            RunFanOut x = f;
            if (x == null) {
                x = new RunFanOut(id, frames, log, clock, coalesceNanos, this::ended, completing);
                x.subscription = log.subscribe(id, x::publish);
                if (closed) x.stop();
            }
            x.add(stream);
            return x;
        });
    }

    /** A stream ended (by its run's writer, or before it went live). */
    private void ended(RunFanOut fan, EventStream stream) {
        open.remove(stream);
        fanOuts.computeIfPresent(fan.runId, (id, f) -> {
            if (f != fan || !f.remove(stream)) return f;
            try {
                f.subscription.close();
            } catch (Exception ignored) {
                // best effort: the log drops listeners of ended runs too
            }
            return null;
        });
    }

    /** The tenant-wide stream of run changes (the console list's), closed with this. */
    public TenantStreams tenant() {
        return tenantStreams;
    }

    /** Number of clients currently streaming (for tests and the benchmark). */
    public int openStreams() {
        return open.size();
    }

    static boolean acceptsEventStream(String accept) {
        if (accept == null || accept.isBlank()) return true;
        for (String part : accept.toLowerCase(Locale.ROOT).split(",")) {
            String type = part.split(";", 2)[0].trim();
            if (type.equals("text/event-stream") || type.equals("text/*") || type.equals("*/*")) return true;
        }
        return false;
    }

    static long lastEventId(Context ctx) {
        String v = ctx.header("Last-Event-ID");
        String field = "Last-Event-ID";
        if (v == null || v.isBlank()) {
            v = ctx.queryParam("lastEventId");
            field = "lastEventId";
        }
        if (v == null || v.isBlank()) return 0;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ValidationException.of(field, "must be an event ID (a non-negative whole number)");
        }
    }

    /**
     * Ends every open stream (server shutdown) and waits (a few seconds at most) until their responses completed:
     * the server stops right after, and must not recycle a request whose completion is still under way.
     */
    @Override
    public void close() {
        closed = true;
        clock.shutdownNow();
        fanOuts.values().forEach(RunFanOut::stop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((!open.isEmpty() || completing.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        tenantStreams.close();
    }
}
