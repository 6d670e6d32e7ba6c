package io.verdict.scheduler.http.routes;

import io.javalin.http.HandlerType;
import io.verdict.scheduler.http.security.Scope;

import java.util.ArrayList;
import java.util.List;

/**
 * Every endpoint of the control plane, declared once. The server registers exactly these; the authz matrix and
 * the OpenAPI consistency tests read the same list.
 */
public final class RouteTable {
    private final List<ApiRoute> routes = new ArrayList<>();

    public RouteTable get(String path, Scope scope, ApiHandler h) {
        return add(HandlerType.GET, path, scope, h);
    }

    public RouteTable post(String path, Scope scope, ApiHandler h) {
        return add(HandlerType.POST, path, scope, h);
    }

    public RouteTable put(String path, Scope scope, ApiHandler h) {
        return add(HandlerType.PUT, path, scope, h);
    }

    public RouteTable patch(String path, Scope scope, ApiHandler h) {
        return add(HandlerType.PATCH, path, scope, h);
    }

    public RouteTable delete(String path, Scope scope, ApiHandler h) {
        return add(HandlerType.DELETE, path, scope, h);
    }

    public RouteTable add(HandlerType method, String path, Scope scope, ApiHandler h) {
        for (ApiRoute r : routes) {
            if (r.method().equals(method) && r.path().equals(path)) {
                throw new IllegalStateException("route declared twice: " + method.name() + " " + path);
            }
        }
        routes.add(new ApiRoute(method, path, scope, h));
        return this;
    }

    public List<ApiRoute> routes() {
        return List.copyOf(routes);
    }
}
