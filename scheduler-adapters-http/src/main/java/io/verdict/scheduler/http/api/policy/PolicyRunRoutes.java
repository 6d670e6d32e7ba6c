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
import io.verdict.scheduler.policy.PolicyRun;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.usecases.RequestPolicyRun;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Policy runs (SPEC §3 PolicyRunRequest) over HTTP: the body becomes a {@link RequestPolicyRun} command and its result
 * a status (202 when a run was planned now, 200 for a repeat, a simulation or an up-to-date incremental run). What a
 * policy run plans (incremental: only {@code inputs.sbomSet} or the images changed since the policy's previous run),
 * its idempotency on {@code runId}, its mode and status live in the core use case; GET reads any of them back.
 * Priority, explain capture and cursors are accepted and not acted on yet.
 */
public final class PolicyRunRoutes {
    public static final String PATH = Api.BASE + "/policy/runs";
    public static final String SCHEMA = "scheduler.policy-run-request@1";

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
            RequestPolicyRun.Result result = api.useCases().requestPolicyRun().execute(new RequestPolicyRun.Command(
                    Api.caller(rc), v.policyId, v.policyVersion, PolicyRun.Mode.fromWire(v.mode).orElseThrow(),
                    v.runId, v.digests, v.correlationId));
            PolicyRunStatus status = status(s, new RequestPolicyRun.View(result.policyRun(),
                    result instanceof RequestPolicyRun.Result.Planned p ? Optional.of(p.run()) : Optional.empty()),
                    result.duplicate());
            if (result instanceof RequestPolicyRun.Result.Planned && !result.duplicate()) {
                ctx.header("Location", PATH + "/" + result.policyRun().policyRunId());
                api.responses().json(ctx, 202, status);
            } else {
                api.responses().ok(ctx, status);
            }
        });

        routes.get(PATH + "/{runId}", Scope.POLICY_RUNS, (ctx, rc) -> {
            String runId = Params.id(ctx, "runId");
            RequestPolicyRun.View view = api.useCases().requestPolicyRun().find(rc.tenantId(), runId)
                    .orElseThrow(() -> new NotFoundException("policy run " + runId));
            api.responses().ok(ctx, status(s, view, null));
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
        return new Validated(policyId, b.policyVersion(), mode, runId, correlation, digests);
    }

    static PolicyRunStatus status(Scheduler s, RequestPolicyRun.View view, Boolean duplicate) {
        PolicyRun p = view.policyRun();
        Run r = view.run().orElse(null);
        Simulation simulation = p.simulatedTotal() == null ? null : new Simulation(p.simulatedTotal(), p.indexBuiltAt());
        return new PolicyRunStatus(p.policyRunId(), r == null ? null : r.id(), p.tenantId(), p.policyRevision(),
                p.mode().wire(), view.status(), r == null ? p.requestedAt() : r.createdAt(),
                r == null ? null : r.startedAt(), r == null ? null : r.finishedAt(),
                r == null ? null : StatsView.of(s.stats(r)), r == null || r.error() == null ? null : r.error().code().name(),
                p.correlationId(), simulation, duplicate);
    }
}
