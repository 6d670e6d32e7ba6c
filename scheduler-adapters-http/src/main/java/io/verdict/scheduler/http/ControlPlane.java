package io.verdict.scheduler.http;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.api.intake.IntakeRoutes;
import io.verdict.scheduler.http.api.policy.PolicyRunRoutes;
import io.verdict.scheduler.http.api.runs.RunRoutes;
import io.verdict.scheduler.http.api.schedules.ScheduleRoutes;
import io.verdict.scheduler.http.console.ConsoleRoutes;
import io.verdict.scheduler.http.console.page.ConsolePage;
import io.verdict.scheduler.http.cors.CorsPolicy;
import io.verdict.scheduler.http.security.session.ConsoleSessions;
import io.verdict.scheduler.http.security.session.SessionAuth;
import io.verdict.scheduler.http.security.session.SessionRoutes;
import io.verdict.scheduler.http.downloads.DownloadRoutes;
import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.ops.OpsRoutes;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.problem.JettyProblemErrorHandler;
import io.verdict.scheduler.http.problem.ProblemWriter;
import io.verdict.scheduler.http.routes.ApiRoute;
import io.verdict.scheduler.http.routes.Bodies;
import io.verdict.scheduler.http.routes.CorrelationIds;
import io.verdict.scheduler.http.routes.Gatekeeper;
import io.verdict.scheduler.http.routes.RequestLog;
import io.verdict.scheduler.http.routes.Responses;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.IntakeSignatures;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.sse.RunStreams;

import java.util.List;
import java.util.Objects;

/**
 * The HTTP control plane: scheduler API, console API with live SSE, downloads, health, metrics and OpenAPI on
 * Javalin 7 (Jetty 12, virtual threads). Every route is declared in one {@link RouteTable} and passes the
 * {@link Gatekeeper}; every failure leaves as problem+json.
 *
 * <p>The {@link MicrometerSchedulerMetrics} must be the one the scheduler was built with
 * ({@code Scheduler.builder().metrics(metrics)}) so planner and runner counters reach {@code /metrics}.
 */
public final class ControlPlane implements AutoCloseable {
    private final Javalin app;
    private final RouteTable routes;
    private final RunStreams streams;
    private volatile boolean stopping;
    /** Set while the embedding process still prepares (e.g. checks the demo estate): /readyz answers 503. */
    private volatile String startup;

    private final ConsoleSessions sessions;

    private ControlPlane(Javalin app, RouteTable routes, RunStreams streams, ConsoleSessions sessions) {
        this.sessions = sessions;
        this.app = app;
        this.routes = routes;
        this.streams = streams;
    }

    public static ControlPlane start(Scheduler scheduler, HttpSettings settings, JwtVerifier verifier,
                                     MicrometerSchedulerMetrics metrics) {
        return start(scheduler, settings, verifier, metrics, IntakeSignatures.NONE);
    }

    /** As {@link #start(Scheduler, HttpSettings, JwtVerifier, MicrometerSchedulerMetrics)}, also accepting HMAC-signed intake webhooks. */
    public static ControlPlane start(Scheduler scheduler, HttpSettings settings, JwtVerifier verifier,
                                     MicrometerSchedulerMetrics metrics, IntakeSignatures signatures) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(verifier, "verifier");
        metrics.bind(scheduler);
        JsonCodec json = new JsonCodec();
        Responses responses = new Responses(json);
        Api api = new Api(scheduler, new Bodies(json, settings.maxBodyBytes()), responses, settings);
        RunStreams streams = new RunStreams(scheduler, json, settings.heartbeat(), settings.flags());
        RouteTable table = new RouteTable();
        ControlPlane[] self = new ControlPlane[1];

        OpsRoutes.register(table, scheduler, responses, metrics, () -> self[0] != null && self[0].stopping,
                () -> self[0] == null ? "routes" : self[0].startup, settings.metricsToken());
        ScheduleRoutes.register(table, api);
        RunRoutes.register(table, api, streams, metrics);
        IntakeRoutes.register(table, api);
        PolicyRunRoutes.register(table, api);
        ConsoleRoutes.register(table, api, streams, metrics);
        DownloadRoutes.register(table, api);
        io.verdict.scheduler.http.api.events.EventFeedRoutes.register(table, api);
        io.verdict.scheduler.http.api.events.DeadLetterRoutes.register(table, api);
        io.verdict.scheduler.http.api.events.SigningKeyRoutes.register(table, api);
        io.verdict.scheduler.http.api.audit.AuditRoutes.register(table, api);

        Bodies bodies = api.bodies();
        ConsoleSessions sessions = new ConsoleSessions(scheduler.clock());
        SessionAuth sessionAuth = new SessionAuth(sessions, verifier);
        Gatekeeper gate = new Gatekeeper(verifier, signatures, bodies, sessionAuth);
        ConsolePage page = new ConsolePage();
        SessionRoutes sessionRoutes = new SessionRoutes(sessions, sessionAuth, verifier, bodies, responses,
                settings.flags(), scheduler.clock());
        CorsPolicy cors = new CorsPolicy(settings.corsOrigins());
        ProblemWriter problems = new ProblemWriter(json);
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblemErrorHandler(json)));
            config.routes.before(ctx -> {
                RequestLog.started(ctx);
                CorrelationIds.assign(ctx);
                if (cors.apply(ctx)) ctx.skipRemainingHandlers();
            });
            for (ApiRoute r : table.routes()) {
                config.routes.addHttpHandler(r.method(), r.path(), ctx -> {
                    RequestLog.matched(ctx, r.path());
                    if (!page.serveInstead(ctx, r)) gate.handle(ctx, r);
                });
                // Left to itself Javalin answers HEAD on a GET path with 200 without running anything, so neither
                // the token nor the resource would be checked. HEAD runs the GET route: same gate, same status.
                if (r.method().equals(HandlerType.GET)) {
                    config.routes.addHttpHandler(HandlerType.HEAD, r.path(), ctx -> {
                        RequestLog.matched(ctx, r.path());
                        gate.handle(ctx, r);
                    });
                }
            }
            page.install(config.routes);
            sessionRoutes.install(config.routes);
            config.routes.after(bodies::drainRemaining);
            config.routes.after(RequestLog::finished);
            config.routes.exception(HttpResponseException.class, (e, ctx) -> problems.write(ctx,
                    e.getStatus() == 404 || e.getStatus() == 405 ? unmatched(table, ctx) : e));
            config.routes.exception(Exception.class, (e, ctx) -> problems.write(ctx, e));
            // Unmatched paths and methods: Javalin sets the status without throwing; answer in problem+json too.
            config.routes.error(404, ctx -> {
                if (!isProblem(ctx.res().getContentType())) problems.write(ctx, unmatched(table, ctx));
            });
            config.routes.error(405, ctx -> {
                if (!isProblem(ctx.res().getContentType())) problems.write(ctx, new ApiProblem(405, "method not allowed"));
            });
        });
        app.start(settings.host(), settings.port());
        ControlPlane cp = new ControlPlane(app, table, streams, sessions);
        self[0] = cp;
        return cp;
    }

    /**
     * Javalin reports an existing path asked with another method as "endpoint not found"; that is a 405 with
     * {@code Allow}. The paths are public (OpenAPI), so naming their methods tells an anonymous caller nothing new.
     */
    private static ApiProblem unmatched(RouteTable table, io.javalin.http.Context ctx) {
        List<String> allowed = table.allowedMethods(ctx.path());
        if (allowed.isEmpty() || allowed.contains(ctx.method().name())) return ApiProblem.notFound("no such endpoint");
        return new ApiProblem(405, "ERR_API_405", ctx.method().name() + " is not allowed on this endpoint; allowed: "
                + String.join(", ", allowed), List.of(), java.util.Map.of("Allow", String.join(", ", allowed)));
    }

    private static boolean isProblem(String contentType) {
        return contentType != null && contentType.startsWith("application/problem+json");
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The interface actually bound ({@code 127.0.0.1}, {@code 0.0.0.0} for all, ...), read back from the connector. */
    public String boundHost() {
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector sc) {
                String h = sc.getHost();
                return h == null ? "0.0.0.0" : h;
            }
        }
        return "0.0.0.0";
    }

    /** The declared routes (method, path, scope) — what the OpenAPI document must describe. */
    public List<ApiRoute> routes() {
        return routes.routes();
    }

    /** The routes Javalin actually registered, as {@code METHOD path}. */
    public List<String> registeredEndpoints() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> !e.endpoint.method.equals(HandlerType.HEAD)) // HEAD mirrors every GET route
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    /** The console's browser sessions (e.g. to print a one-time sign-in link). */
    public ConsoleSessions sessions() {
        return sessions;
    }

    public RunStreams streams() {
        return streams;
    }

    /**
     * The process listens but is not done starting ({@code phase}, e.g. "demo estate"; null once it is): /readyz
     * answers 503 naming it. Requests are served meanwhile; index-bound ones wait for the index.
     */
    public void startupPhase(String phase) {
        this.startup = phase;
    }

    /** Ends live streams, then stops the server (in-flight requests finish). The scheduler is not closed. */
    @Override
    public void close() {
        stopping = true;
        streams.close();
        app.stop();
    }
}
