package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Set;

/**
 * One access line per request: method, route template (never the raw path with IDs, never tokens or bodies),
 * status and duration, with the correlation ID and, once authenticated, the tenant as MDC fields so JSON logs
 * carry them as top-level keys. Probes and scrapes log at DEBUG so a load balancer's health checks do not drown
 * the log.
 */
public final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("scheduler.http.access");
    private static final String STARTED = "requestLog.started";
    private static final String ROUTE = "requestLog.route";
    private static final String TENANT = "requestLog.tenant";
    private static final Set<String> QUIET = Set.of("/healthz", "/readyz", "/metrics");

    private RequestLog() {}

    public static void started(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    /** The matched route's template, e.g. {@code /api/v1/scheduler/runs/{id}}. */
    public static void matched(Context ctx, String routeTemplate) {
        ctx.attribute(ROUTE, routeTemplate);
    }

    /** The tenant the request acts for, once the caller is known. */
    public static void tenant(Context ctx, String tenantId) {
        if (tenantId != null) ctx.attribute(TENANT, tenantId);
    }

    public static void finished(Context ctx) {
        Long started = ctx.attribute(STARTED);
        String route = ctx.attribute(ROUTE);
        boolean quiet = route != null && QUIET.contains(route);
        if (quiet ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) return;
        long ms = started == null ? -1 : (System.nanoTime() - started) / 1_000_000;
        int status = ctx.statusCode();
        String method = ctx.method().name();
        String template = route == null ? "(no route)" : route;
        String tenant = ctx.attribute(TENANT);
        MDC.put("correlationId", CorrelationIds.of(ctx));
        if (tenant != null) MDC.put("tenantId", tenant);
        MDC.put("method", method);
        MDC.put("route", template);
        MDC.put("status", Integer.toString(status));
        MDC.put("durationMs", Long.toString(ms));
        try {
            if (quiet) LOG.debug("{} {} {} {}ms", method, template, status, ms);
            else LOG.info("{} {} {} {}ms", method, template, status, ms);
        } finally {
            for (String key : new String[] {"correlationId", "tenantId", "method", "route", "status", "durationMs"}) {
                MDC.remove(key);
            }
        }
    }
}
