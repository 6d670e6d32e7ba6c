package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.security.Principal;
import io.verdict.scheduler.http.security.TokenRejectedException;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs before every handler: bearer token → {@link Principal} (401), route scope (403), tenant (the token's
 * only tenant, or the one a cross-tenant admin names with {@code X-Tenant} / {@code ?tenant=}). Nothing of the
 * request is looked at before the caller is known, so an anonymous caller learns nothing but "401".
 */
public final class Gatekeeper {
    public static final String TENANT_HEADER = "X-Tenant";
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final JwtVerifier verifier;

    public Gatekeeper(JwtVerifier verifier) {
        this.verifier = verifier;
    }

    public void handle(Context ctx, ApiRoute route) throws Exception {
        String correlationId = CorrelationIds.of(ctx);
        if (route.isPublic()) {
            route.handler().handle(ctx, new RequestContext(null, null, correlationId));
            return;
        }
        Principal principal = authenticate(ctx);
        if (!principal.has(route.scope())) {
            throw ApiProblem.forbidden("this operation needs scope " + route.scope().wire());
        }
        route.handler().handle(ctx, new RequestContext(principal, tenantOf(ctx, principal), correlationId));
    }

    private Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) throw ApiProblem.unauthorized("a bearer token is required");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiProblem.unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        try {
            return verifier.verify(header.substring(7).trim());
        } catch (TokenRejectedException e) {
            throw ApiProblem.unauthorized(e.getMessage());
        }
    }

    static String tenantOf(Context ctx, Principal p) {
        String named = ctx.header(TENANT_HEADER);
        if (named == null) named = ctx.queryParam("tenant");
        if (named != null) {
            if (!TENANT.matcher(named).matches()) throw ApiProblem.badRequest("tenant", "malformed tenant ID");
            if (!p.tenants().contains(named)) throw ApiProblem.forbidden("the token does not grant tenant " + named);
            return named;
        }
        if (p.tenants().size() == 1) return p.tenants().iterator().next();
        if (p.tenants().isEmpty()) throw ApiProblem.forbidden("the token names no tenant");
        throw new ApiProblem(400, "ERR_API_400", "the token grants several tenants; name one with the "
                + TENANT_HEADER + " header or ?tenant=",
                List.of(new io.verdict.scheduler.errors.ValidationException.FieldError("tenant",
                        "required for cross-tenant tokens")), Map.of());
    }
}
