package io.verdict.scheduler.http.routes;

import io.javalin.http.HandlerType;
import io.verdict.scheduler.http.security.Scope;

import java.util.Objects;

/**
 * One endpoint: method, Javalin path (same {@code {param}} syntax as OpenAPI), the scope it requires (null for
 * public endpoints such as health and metrics) and the handler.
 */
public record ApiRoute(HandlerType method, String path, Scope scope, ApiHandler handler) {
    public ApiRoute {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
    }

    public boolean isPublic() {
        return scope == null;
    }

    /** {@code GET /api/v1/scheduler/runs/{id}} */
    public String describe() {
        return method.name() + " " + path;
    }
}
