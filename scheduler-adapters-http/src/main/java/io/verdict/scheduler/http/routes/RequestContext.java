package io.verdict.scheduler.http.routes;

import io.verdict.scheduler.http.security.Principal;

/**
 * What a handler knows about the request beyond its parameters: the verified caller (null on public routes),
 * the one tenant every read and write is confined to, and the correlation ID echoed to the client.
 */
public record RequestContext(Principal principal, String tenantId, String correlationId) {
    /** The audit actor: the token's subject. */
    public String actor() {
        return principal == null ? "anonymous" : principal.subject();
    }
}
