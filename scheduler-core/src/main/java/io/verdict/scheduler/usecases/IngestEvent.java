package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.execution.RateLimiter;
import io.verdict.scheduler.intake.AdvisoryCatalog;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.CursorStore;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Caller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingesting an advisory (concelier), VEX (excititor) or policy event: rate-limited per tenant, vulnerability IDs
 * resolved (and learned) through the {@link AdvisoryCatalog}, planned at most once per event ID, the source's cursor
 * advanced after the run is planned, and audited.
 */
public final class IngestEvent {
    /** Event IDs starting with this are policy-run idempotency keys (see {@link RequestPolicyRun}). */
    public static final String RESERVED_PREFIX = RequestPolicyRun.KEY_PREFIX;

    /**
     * @param exportId the advisory/VEX export the delta came from, or the policy revision of a policy event
     */
    public record Command(Caller caller, String eventId, IntakeEvent.Source source, Set<String> purls,
                          Set<String> vulnerabilityIds, Set<String> priorityPurls, String exportId, Instant occurredAt) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(source, "source");
            purls = purls == null ? Set.of() : Set.copyOf(purls);
            vulnerabilityIds = vulnerabilityIds == null ? Set.of() : Set.copyOf(vulnerabilityIds);
            priorityPurls = priorityPurls == null ? Set.of() : Set.copyOf(priorityPurls);
            if (eventId == null || eventId.isBlank()) throw ValidationException.of("eventId", "required");
            if (eventId.startsWith(RESERVED_PREFIX)) throw ValidationException.of("eventId", "the prefix " + RESERVED_PREFIX + " is reserved");
            for (String p : purls) if (!p.startsWith("pkg:")) throw ValidationException.of("purls", "not a package URL: " + p);
            if (!purls.containsAll(priorityPurls)) throw ValidationException.of("priorityPurls", "must be a subset of purls");
            if (source == IntakeEvent.Source.POLICY) {
                if (exportId == null) throw ValidationException.of("policyRevision", "required for policy events");
            } else if (purls.isEmpty() && vulnerabilityIds.isEmpty()) {
                throw ValidationException.of("purls", "an event must name changed purls or vulnerabilityIds");
            }
        }
    }

    public sealed interface Result {
        /** Planned (a run, or nothing when no image is affected) or recognised as a repeat of an earlier delivery. */
        record Accepted(String eventId, Optional<String> runId, boolean duplicate, List<String> unresolvedVulnerabilityIds)
                implements Result {}

        /** The tenant's intake budget is spent; nothing was done. */
        record RateLimited(Duration retryAfter) implements Result {}

        /** The event names vulnerability IDs the tenant's catalog has no room for; nothing was done. */
        record CatalogFull(int maxIdsPerTenant) implements Result {}
    }

    private final Planner planner;
    private final OncePerKey once;
    private final CursorStore cursors;
    private final AdvisoryCatalog catalog;
    private final AuditTrail audit;
    private final Clock clock;
    private final double perSecond;
    private final int burst;
    private final Map<String, RateLimiter> buckets = new ConcurrentHashMap<>();

    IngestEvent(Planner planner, OncePerKey once, CursorStore cursors, AdvisoryCatalog catalog, AuditTrail audit,
                Clock clock, double perSecond, int burst) {
        this.planner = planner;
        this.once = once;
        this.cursors = cursors;
        this.catalog = catalog;
        this.audit = audit;
        this.clock = clock;
        this.perSecond = perSecond;
        this.burst = burst;
    }

    public Result execute(Command c) {
        String tenant = c.caller().tenantId();
        Optional<Duration> wait = buckets.computeIfAbsent(tenant, t -> new RateLimiter(perSecond, burst)).tryAcquire();
        if (wait.isPresent()) return new Result.RateLimited(wait.get());
        if (catalog.learn(tenant, c.vulnerabilityIds(), c.purls()) instanceof AdvisoryCatalog.Learned.Full full) {
            return new Result.CatalogFull(full.maxIdsPerTenant());
        }
        AdvisoryCatalog.Resolution resolved = catalog.resolve(tenant, c.vulnerabilityIds());
        Set<String> purls = new HashSet<>(c.purls());
        purls.addAll(resolved.purls());
        IntakeEvent.Source src = c.source();
        Trigger trigger = switch (src) {
            case CONCELIER -> Trigger.CONCELIER;
            case EXCITITOR -> Trigger.EXCITITOR;
            case POLICY -> Trigger.POLICY;
        };
        RunReason reason = new RunReason(null,
                src == IntakeEvent.Source.CONCELIER ? c.exportId() : null,
                src == IntakeEvent.Source.EXCITITOR ? c.exportId() : null,
                c.eventId(), null, c.occurredAt() == null ? null : c.occurredAt().toString(),
                src == IntakeEvent.Source.POLICY ? c.exportId() : null, null);
        PlanRequest request = new PlanRequest(tenant, trigger, null, null, purls,
                src == IntakeEvent.Source.POLICY && purls.isEmpty(), false, reason, null, null, c.priorityPurls(), null);
        OncePerKey.Outcome outcome = once.once(tenant, c.eventId(), () -> planner.plan(request), "intake-dedup");
        if (outcome instanceof OncePerKey.Outcome.Repeat r) {
            return new Result.Accepted(c.eventId(), r.runId(), true, resolved.unresolved());
        }
        String runId = ((OncePerKey.Outcome.First) outcome).planned().run().id();
        cursors.save(new Cursor(tenant, src.wire(), c.eventId(), c.occurredAt() == null ? clock.instant() : c.occurredAt()));
        audit.record(tenant, c.caller().actor(), "intake." + src.wire(), c.eventId(), c.caller().correlationId(),
                Map.of("runid", runId));
        return new Result.Accepted(c.eventId(), Optional.of(runId), false, resolved.unresolved());
    }
}
