package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.security.IntakeSignatures;
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

    private static final String INTAKE_PREFIX = "/api/v1/scheduler/events/";

    private final JwtVerifier verifier;
    private final IntakeSignatures signatures;

    private final Bodies bodies;
    /** The console's session cookie as an alternative to the Authorization header (null: bearer only). */
    private final io.verdict.scheduler.http.security.session.SessionAuth sessions;

    public Gatekeeper(JwtVerifier verifier) {
        this(verifier, IntakeSignatures.NONE, null);
    }

    /** @param bodies reads (once, with its size limits) the body a signature covers */
    public Gatekeeper(JwtVerifier verifier, IntakeSignatures signatures, Bodies bodies) {
        this(verifier, signatures, bodies, null);
    }

    public Gatekeeper(JwtVerifier verifier, IntakeSignatures signatures, Bodies bodies,
                      io.verdict.scheduler.http.security.session.SessionAuth sessions) {
        this.sessions = sessions;
        this.verifier = verifier;
        this.signatures = signatures;
        this.bodies = bodies;
    }

    public void handle(Context ctx, ApiRoute route) throws Exception {
        String correlationId = CorrelationIds.of(ctx);
        if (route.isPublic()) {
            route.handler().handle(ctx, new RequestContext(null, null, correlationId));
            return;
        }
        Principal principal = signedIntake(ctx, route) ? signedPrincipal(ctx, route) : authenticate(ctx);
        if (!principal.has(route.scope())) {
            throw ApiProblem.forbidden("this operation needs scope " + route.scope().wire());
        }
        String tenant = tenantOf(ctx, principal);
        RequestLog.tenant(ctx, tenant);
        route.handler().handle(ctx, new RequestContext(principal, tenant, correlationId));
    }

    private Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if ((header == null || header.isBlank()) && sessions != null) {
            Principal fromSession = sessions.principal(ctx); // same verifier; CSRF checked on state changes
            if (fromSession != null) return fromSession;
        }
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

    /** An intake webhook that carries an HMAC signature instead of a bearer token. */
    private boolean signedIntake(Context ctx, ApiRoute route) {
        return signatures.enabled() && bodies != null && route.path().startsWith(INTAKE_PREFIX) && ctx.header("Authorization") == null
                && ctx.header(IntakeSignatures.SIGNATURE_HEADER) != null;
    }

    private Principal signedPrincipal(Context ctx, ApiRoute route) {
        String tenant = ctx.header(TENANT_HEADER);
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw ApiProblem.unauthorized("a signed intake request must name its tenant in " + TENANT_HEADER);
        }
        var refused = signatures.check(tenant, ctx.header(IntakeSignatures.TIMESTAMP_HEADER),
                ctx.header(IntakeSignatures.SIGNATURE_HEADER), bodies.bytes(ctx));
        if (refused.isPresent()) throw ApiProblem.unauthorized(refused.get());
        // The signature proves the sender holds the tenant's intake secret: it may submit intake events, nothing else.
        return new Principal("hmac:" + tenant, java.util.Set.of(tenant), java.util.Set.of(route.scope()), null);
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
