package io.verdict.scheduler.http.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, as a verified token says: subject, the tenants it may act for (one, or several for a
 * cross-tenant admin who then names one per request) and its scopes.
 */
public record Principal(String subject, Set<String> tenants, Set<Scope> scopes, Instant expiresAt) {
    public Principal {
        Objects.requireNonNull(subject, "subject");
        tenants = Set.copyOf(tenants);
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scope.grantedBy(scopes);
    }
}
