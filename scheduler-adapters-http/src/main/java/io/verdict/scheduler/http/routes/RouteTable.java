package io.verdict.scheduler.http.routes;

import io.javalin.http.HandlerType;
import io.verdict.scheduler.http.security.Scope;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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

    /** The order methods are listed in an {@code Allow} header. */
    private static final List<HandlerType> ALLOW_ORDER = List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST,
            HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    /**
     * The methods declared for a concrete request path ({@code /api/v1/scheduler/runs/run:acme:…}), in
     * {@code Allow} order; every GET route also answers HEAD. Empty when no route has that path, so the caller can
     * tell "wrong method" (405) from "no such endpoint" (404).
     */
    public List<String> allowedMethods(String requestPath) {
        String path = requestPath.length() > 1 && requestPath.endsWith("/")
                ? requestPath.substring(0, requestPath.length() - 1) : requestPath;
        Set<String> methods = new HashSet<>();
        for (ApiRoute r : routes) {
            if (template(r.path()).matcher(path).matches()) {
                methods.add(r.method().name());
                if (r.method().equals(HandlerType.GET)) methods.add(HandlerType.HEAD.name());
            }
        }
        return ALLOW_ORDER.stream().map(HandlerType::name).filter(methods::contains).toList();
    }

    /** {@code /runs/{runId}/deltas} → a regex where each {@code {param}} is one non-empty path segment (part). */
    static Pattern template(String path) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < path.length()) {
            int open = path.indexOf('{', i);
            if (open < 0) {
                re.append(Pattern.quote(path.substring(i)));
                break;
            }
            if (open > i) re.append(Pattern.quote(path.substring(i, open)));
            int close = path.indexOf('}', open);
            re.append("[^/]+?");
            i = close + 1;
        }
        return Pattern.compile(re.toString());
    }
}
