package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;

/** A route's handler, called after authentication, scope check and tenant resolution. */
@FunctionalInterface
public interface ApiHandler {
    void handle(Context ctx, RequestContext request) throws Exception;
}
