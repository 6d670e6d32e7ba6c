package io.verdict.scheduler.http.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * OAuth scopes of the scheduler (SPEC §8). Tokens may carry the short aliases {@code runs.read} and
 * {@code runs.manage}; {@code scheduler.admin} grants every other scope, within the token's tenants only.
 */
public enum Scope {
    SCHEDULES_READ("scheduler.schedules.read"),
    SCHEDULES_WRITE("scheduler.schedules.write"),
    RUNS_READ("scheduler.runs.read", "runs.read"),
    RUNS_WRITE("scheduler.runs.write"),
    RUNS_MANAGE("scheduler.runs.manage", "runs.manage"),
    POLICY_RUNS("policy:runs"),
    DOWNLOADS_READ("downloads.read"),
    ADMIN("scheduler.admin");

    private final String wire;
    private final String alias;

    Scope(String wire) {
        this(wire, null);
    }

    Scope(String wire, String alias) {
        this.wire = wire;
        this.alias = alias;
    }

    public String wire() {
        return wire;
    }

    /** Canonical name or alias → scope; unknown names (other services' scopes) are ignored by the caller. */
    public static Optional<Scope> parse(String name) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(name) || name.equals(s.alias)).findFirst();
    }

    /** True when a token holding {@code granted} may use something requiring this scope. */
    public boolean grantedBy(Set<Scope> granted) {
        return granted.contains(this) || granted.contains(ADMIN);
    }

    public static Set<Scope> none() {
        return EnumSet.noneOf(Scope.class);
    }
}
