package io.verdict.scheduler.http.api.policy;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.http.views.RunJson.StatsView;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Minimal policy runs (SPEC §3 PolicyRunRequest): a request becomes a scheduler run with trigger {@code policy}
 * over the images of {@code inputs.sbomSet} (image digests) or the whole tenant, idempotent on {@code runId}
 * through the intake bookkeeping (the same durable "processed event" record). {@code simulate} resolves the
 * impact and writes nothing. Priority, explain capture and cursors are accepted and not acted on yet.
 */
public final class PolicyRunRoutes {
    public static final String PATH = Api.BASE + "/policy/runs";
    public static final String SCHEMA = "scheduler.policy-run-request@1";
    public static final String KEY_PREFIX = "policy-run:";

    private PolicyRunRoutes() {}

    public record Inputs(List<String> sbomSet, String advisoryCursor, String vexCursor, Map<String, String> environment,
                         Boolean captureExplain) {}

    public record PolicyRunRequest(String schemaVersion, String tenantId, String policyId, Integer policyVersion,
                                   String mode, String priority, String runId, String queuedAt, String requestedBy,
                                   String correlationId, Map<String, String> metadata, Inputs inputs) {}

    public record Simulation(int total, Instant indexBuiltAt) {}

    public record PolicyRunStatus(String runId, String schedulerRunId, String tenantId, String policyRevision,
                                  String mode, String status, Instant queuedAt, Instant startedAt, Instant finishedAt,
                                  StatsView stats, String errorCode, String correlationId, Simulation simulation,
                                  Boolean duplicate) {}

    public static void register(RouteTable routes, Api api) {
        Scheduler s = api.scheduler();
        routes.post(PATH, Scope.POLICY_RUNS, (ctx, rc) -> {
            PolicyRunRequest b = api.bodies().read(ctx, PolicyRunRequest.class);
            Validated v = validate(b, rc);
            Selector selector = v.digests.isEmpty() ? Selector.allImages(rc.tenantId())
                    : new Selector(Selector.Scope.BY_DIGEST, rc.tenantId(), null, null, List.copyOf(v.digests), null, null, false);
            String revision = v.policyId + "@" + v.policyVersion;
            if ("simulate".equals(v.mode)) {
                ImpactSet impact = s.preview(PlanRequest.sweep(rc.tenantId(), Trigger.POLICY, null, selector, null, null));
                api.responses().ok(ctx, new PolicyRunStatus(null, null, rc.tenantId(), revision, v.mode, "succeeded",
                        null, null, null, null, null, rc.correlationId(), new Simulation(impact.total(), impact.indexBuiltAt()), null));
                return;
            }
            String key = KEY_PREFIX + v.runId;
            Optional<String> seen = s.storage().cursors().processedEvent(rc.tenantId(), key);
            if (seen.isPresent()) {
                api.responses().ok(ctx, status(s, rc.tenantId(), v.runId, seen.get(), v.mode, true));
                return;
            }
            String correlation = v.correlationId != null ? v.correlationId : rc.correlationId();
            RunReason reason = new RunReason(null, null, null, null, null, null, revision, correlation);
            Run run = s.plan(PlanRequest.sweep(rc.tenantId(), Trigger.POLICY, null, selector, reason, null)).run();
            if (!s.storage().cursors().markProcessed(rc.tenantId(), key, run.id())) {
                // A concurrent request with the same runId won: drop ours, answer with theirs.
                s.lifecycle().cancel(run.id(), "policy-run-dedup");
                String winner = s.storage().cursors().processedEvent(rc.tenantId(), key).orElseThrow();
                api.responses().ok(ctx, status(s, rc.tenantId(), v.runId, winner, v.mode, true));
                return;
            }
            api.audit(rc, "policy.run", v.runId, Map.of("runid", run.id(), "policyrevision", revision));
            ctx.header("Location", PATH + "/" + v.runId);
            api.responses().json(ctx, 202, status(s, rc.tenantId(), v.runId, run.id(), v.mode, false));
        });

        routes.get(PATH + "/{runId}", Scope.POLICY_RUNS, (ctx, rc) -> {
            String runId = Params.id(ctx, "runId");
            String schedulerRunId = s.storage().cursors().processedEvent(rc.tenantId(), KEY_PREFIX + runId)
                    .filter(id -> !id.isEmpty()).orElseThrow(() -> new NotFoundException("policy run " + runId));
            api.responses().ok(ctx, status(s, rc.tenantId(), runId, schedulerRunId, null, null));
        });
    }

    private record Validated(String policyId, int policyVersion, String mode, String runId, String correlationId,
                             TreeSet<String> digests) {}

    private static Validated validate(PolicyRunRequest b, RequestContext rc) {
        FieldErrors errors = new FieldErrors();
        if (b.schemaVersion() != null && !SCHEMA.equals(b.schemaVersion())) errors.add("schemaVersion", "must be " + SCHEMA);
        if (b.tenantId() != null && !b.tenantId().equals(rc.tenantId())) errors.add("tenantId", "must be the caller's tenant (or omitted)");
        String policyId = errors.text("policyId", b.policyId(), true, 128);
        if (policyId != null && !policyId.matches("[A-Za-z0-9._:/-]{1,128}")) errors.add("policyId", "malformed ID");
        if (b.policyVersion() == null) errors.add("policyVersion", "required");
        else if (b.policyVersion() < 1) errors.add("policyVersion", "must be >= 1");
        String mode = b.mode();
        if (mode == null) errors.add("mode", "required: full, incremental or simulate");
        else if (!List.of("full", "incremental", "simulate").contains(mode)) errors.add("mode", "must be full, incremental or simulate");
        if (b.priority() != null && !List.of("normal", "high", "emergency").contains(b.priority())) {
            errors.add("priority", "must be normal, high or emergency");
        }
        String runId = b.runId();
        if (runId != null && !runId.matches("[A-Za-z0-9._:-]{1,128}")) errors.add("runId", "malformed ID");
        if (b.queuedAt() != null) {
            try {
                Instant.parse(b.queuedAt());
            } catch (RuntimeException e) {
                errors.add("queuedAt", "must be an ISO-8601 UTC timestamp");
            }
        }
        errors.text("requestedBy", b.requestedBy(), false, 256);
        String correlation = errors.text("correlationId", b.correlationId(), false, 128);
        if (b.metadata() != null && b.metadata().size() > 50) errors.add("metadata", "at most 50 entries");
        TreeSet<String> digests = new TreeSet<>();
        if (b.inputs() != null) {
            List<String> set = errors.texts("inputs.sbomSet", b.inputs().sbomSet(), 10_000, 71);
            for (int i = 0; i < set.size(); i++) {
                if (!ImageRecord.isValidDigest(set.get(i))) errors.add("inputs.sbomSet[" + i + "]", "must be an image digest sha256:<64 hex>");
                else digests.add(set.get(i));
            }
            errors.text("inputs.advisoryCursor", b.inputs().advisoryCursor(), false, 256);
            errors.text("inputs.vexCursor", b.inputs().vexCursor(), false, 256);
            if (b.inputs().environment() != null && b.inputs().environment().size() > 50) errors.add("inputs.environment", "at most 50 entries");
        }
        errors.throwIfAny();
        return new Validated(policyId, b.policyVersion(), mode, runId == null ? "prun-" + UUID.randomUUID() : runId,
                correlation, digests);
    }

    static PolicyRunStatus status(Scheduler s, String tenant, String runId, String schedulerRunId, String mode, Boolean duplicate) {
        Run r = s.run(tenant, schedulerRunId);
        String status = switch (r.state()) {
            case PLANNING, QUEUED -> "queued";
            case RUNNING -> "running";
            case COMPLETED -> "succeeded";
            case ERROR -> "failed";
            case CANCELLED -> "canceled";
        };
        return new PolicyRunStatus(runId, r.id(), tenant, r.reason() == null ? null : r.reason().policyRevision(), mode,
                status, r.createdAt(), r.startedAt(), r.finishedAt(), StatsView.of(s.stats(r)),
                r.error() == null ? null : r.error().code().name(),
                r.reason() == null ? null : r.reason().correlationId(), null, duplicate);
    }
}
