package io.verdict.scheduler.http.ops;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Responses;
import io.verdict.scheduler.http.routes.RouteTable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Public operational endpoints: liveness, readiness, Prometheus metrics and the OpenAPI document. */
public final class OpsRoutes {
    public static final String OPENAPI_RESOURCE = "/io/verdict/scheduler/http/openapi.json";

    private OpsRoutes() {}

    public record Health(String status) {}

    public record Readiness(String status, Map<String, String> checks, int indexedImages, Instant indexBuiltAt) {}

    public static void register(RouteTable routes, Scheduler s, Responses responses, MicrometerSchedulerMetrics metrics,
                                BooleanSupplier shuttingDown) {
        register(routes, s, responses, metrics, shuttingDown, null);
    }

    /**
     * @param metricsToken when set, {@code /metrics} answers only a scraper sending {@code Authorization: Bearer
     *                     <token>} (compared in constant time); the labels carry tenant IDs
     */
    public static void register(RouteTable routes, Scheduler s, Responses responses, MicrometerSchedulerMetrics metrics,
                                BooleanSupplier shuttingDown, String metricsToken) {
        register(routes, s, responses, metrics, shuttingDown, () -> null, metricsToken);
    }

    /** @param startup what the process is still doing before it serves fully (null: nothing) */
    public static void register(RouteTable routes, Scheduler s, Responses responses, MicrometerSchedulerMetrics metrics,
                                BooleanSupplier shuttingDown, java.util.function.Supplier<String> startup,
                                String metricsToken) {
        routes.get("/healthz", null, (ctx, rc) -> responses.ok(ctx, new Health("ok")));

        routes.get("/readyz", null, (ctx, rc) -> {
            if (shuttingDown.getAsBoolean()) throw new ApiProblem(503, "shutting down");
            // Listening starts before the impact index is loaded (and, with --demo, before the estate is checked):
            // until then index-bound requests wait for it, and a load balancer should not send traffic yet.
            String phase = startup.get();
            if (phase != null) throw new ApiProblem(503, "not ready: starting (" + phase + ")");
            if (!s.indexLoaded()) throw new ApiProblem(503, "not ready: the impact index is loading");
            Map<String, String> checks = new LinkedHashMap<>();
            checks.put("runStore", probe(() -> s.queries().activeRuns()));
            checks.put("queue", probe(() -> s.queries().queueDepth()));
            if (checks.values().stream().anyMatch(v -> !v.equals("ok"))) {
                throw new ApiProblem(503, "not ready: " + checks);
            }
            responses.ok(ctx, new Readiness("ready", checks, s.indexedImages(), s.indexBuiltAt()));
        });

        byte[] expected = metricsToken == null ? null
                : ("Bearer " + metricsToken).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        routes.get("/metrics", null, (ctx, rc) -> {
            if (expected != null) {
                String auth = ctx.header("Authorization");
                byte[] given = auth == null ? new byte[0] : auth.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (!java.security.MessageDigest.isEqual(expected, given)) {
                    throw ApiProblem.unauthorized("/metrics needs the metrics bearer token (SCHEDULER_METRICS_TOKEN)");
                }
            }
            ctx.status(200);
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
            ctx.result(metrics.scrape());
        });

        byte[] openapi = openApiDocument();
        routes.get("/openapi.json", null, (ctx, rc) -> {
            ctx.status(200);
            ctx.contentType(Responses.JSON);
            ctx.result(openapi);
        });
    }

    private static String probe(Runnable check) {
        try {
            check.run();
            return "ok";
        } catch (RuntimeException e) {
            return "failing: " + e.getClass().getSimpleName();
        }
    }

    public static byte[] openApiDocument() {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
