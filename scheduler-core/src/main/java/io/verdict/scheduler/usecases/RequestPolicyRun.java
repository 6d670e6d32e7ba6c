package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.impact.ImageChange;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.policy.PolicyRun;
import io.verdict.scheduler.policy.PolicyRunStore;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Caller;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Requesting a policy run (SPEC §3 PolicyRunRequest), recorded in {@link PolicyRunStore} (first writer wins on the
 * policy-run ID, so a repeated request answers with the first one's result):
 * <ul>
 *   <li>{@code full}: a run with trigger {@code policy} over {@code sbomSet}, or every image of the tenant;</li>
 *   <li>{@code incremental}: over {@code sbomSet}, or else only the images indexed since the policy's previous
 *   planned run (from the image change log; the whole tenant when there was none, or when it is older than
 *   {@link ImageStore#CHANGE_LOG_RETENTION}); nothing is planned when no image changed;</li>
 *   <li>{@code simulate}: the impact is resolved and recorded, no run is planned; readable by its ID.</li>
 * </ul>
 */
public final class RequestPolicyRun {
    /** Reserved for policy runs in older versions; intake still refuses event IDs with it. */
    public static final String KEY_PREFIX = "policy-run:";

    public record Command(Caller caller, String policyId, int policyVersion, PolicyRun.Mode mode, String policyRunId,
                          Set<String> sbomSet, String correlationId) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(mode, "mode");
            if (policyId == null || policyId.isBlank()) throw ValidationException.of("policyId", "required");
            if (policyVersion < 1) throw ValidationException.of("policyVersion", "must be >= 1");
            sbomSet = sbomSet == null ? Set.of() : Set.copyOf(new TreeSet<>(sbomSet));
            for (String d : sbomSet) if (!ImageRecord.isValidDigest(d)) throw ValidationException.of("inputs.sbomSet", "not an image digest: " + d);
            policyRunId = policyRunId == null ? "prun-" + UUID.randomUUID() : policyRunId;
        }
    }

    /** Every result names the recorded policy run; {@code duplicate} when an earlier request recorded it. */
    public sealed interface Result {
        PolicyRun policyRun();

        boolean duplicate();

        record Planned(PolicyRun policyRun, Run run, boolean duplicate) implements Result {}

        record Simulated(PolicyRun policyRun, boolean duplicate) implements Result {}

        /** Incremental with no image changed since the policy's previous run: nothing to evaluate. */
        record UpToDate(PolicyRun policyRun, boolean duplicate) implements Result {}
    }

    /** A recorded policy run and the scheduler run it planned, if any. */
    public record View(PolicyRun policyRun, Optional<Run> run) {
        /** Status as SPEC names it. */
        public String status() {
            return run.map(r -> RequestPolicyRun.status(r.state())).orElse("succeeded");
        }
    }

    /** A policy run's status as SPEC names it, from its scheduler run's state. */
    public static String status(RunState state) {
        return switch (state) {
            case PLANNING, QUEUED -> "queued";
            case RUNNING -> "running";
            case COMPLETED -> "succeeded";
            case ERROR -> "failed";
            case CANCELLED -> "canceled";
        };
    }

    private final Planner planner;
    private final PolicyRunStore store;
    private final ImageStore images;
    private final RunLifecycle lifecycle;
    private final RunQueries queries;
    private final AuditTrail audit;
    private final Clock clock;

    RequestPolicyRun(Planner planner, PolicyRunStore store, ImageStore images, RunLifecycle lifecycle,
                     RunQueries queries, AuditTrail audit, Clock clock) {
        this.planner = planner;
        this.store = store;
        this.images = images;
        this.lifecycle = lifecycle;
        this.queries = queries;
        this.audit = audit;
        this.clock = clock;
    }

    public Result execute(Command c) {
        String tenant = c.caller().tenantId();
        Optional<View> seen = find(tenant, c.policyRunId());
        if (seen.isPresent()) return repeat(seen.get());
        Instant now = clock.instant();
        String correlation = c.correlationId() != null ? c.correlationId() : c.caller().correlationId();
        Optional<List<String>> targets = targets(c, tenant);
        if (c.mode() == PolicyRun.Mode.SIMULATE) {
            ImpactSet impact = planner.preview(PlanRequest.sweep(tenant, Trigger.POLICY, null, selector(tenant, targets), null, null));
            PolicyRun rec = record(c, tenant, null, impact.total(), impact.indexBuiltAt(), now, correlation);
            return store.insert(rec) ? new Result.Simulated(rec, false) : repeat(find(tenant, c.policyRunId()).orElseThrow());
        }
        if (targets.isPresent() && targets.get().isEmpty()) {
            PolicyRun rec = record(c, tenant, null, null, null, now, correlation);
            return store.insert(rec) ? new Result.UpToDate(rec, false) : repeat(find(tenant, c.policyRunId()).orElseThrow());
        }
        RunReason reason = new RunReason(null, null, null, null, null, null, c.policyId() + "@" + c.policyVersion(), correlation);
        Run run = planner.plan(PlanRequest.sweep(tenant, Trigger.POLICY, null, selector(tenant, targets), reason, null)).run();
        PolicyRun rec = record(c, tenant, run.id(), null, null, now, correlation);
        if (!store.insert(rec)) {
            // A concurrent request with the same policy-run ID won: drop our run quietly, answer with theirs.
            lifecycle.cancel(run.id(), "policy-run-dedup");
            return repeat(find(tenant, c.policyRunId()).orElseThrow());
        }
        audit.record(tenant, c.caller().actor(), "policy.run", c.policyRunId(), c.caller().correlationId(),
                Map.of("runid", run.id(), "policyrevision", rec.policyRevision(), "mode", c.mode().wire()));
        return new Result.Planned(rec, run, false);
    }

    /** The recorded policy run of the tenant under that ID. */
    public Optional<View> find(String tenantId, String policyRunId) {
        return store.find(tenantId, policyRunId).map(p -> new View(p,
                p.schedulerRunId() == null ? Optional.empty() : Optional.of(queries.run(tenantId, p.schedulerRunId()))));
    }

    private static Result repeat(View v) {
        PolicyRun p = v.policyRun();
        if (v.run().isPresent()) return new Result.Planned(p, v.run().get(), true);
        return p.mode() == PolicyRun.Mode.SIMULATE ? new Result.Simulated(p, true) : new Result.UpToDate(p, true);
    }

    private static PolicyRun record(Command c, String tenant, String runId, Integer simulated, Instant builtAt,
                                    Instant now, String correlation) {
        return new PolicyRun(tenant, c.policyRunId(), c.policyId(), c.policyVersion(), c.mode(), List.copyOf(c.sbomSet()),
                runId, simulated, builtAt, now, correlation);
    }

    /** The digests to evaluate, or empty for the whole tenant. */
    private Optional<List<String>> targets(Command c, String tenant) {
        if (!c.sbomSet().isEmpty()) return Optional.of(List.copyOf(c.sbomSet()));
        if (c.mode() != PolicyRun.Mode.INCREMENTAL) return Optional.empty();
        Optional<PolicyRun> last = store.lastPlanned(tenant, c.policyId());
        if (last.isEmpty() || last.get().requestedAt().isBefore(clock.instant().minus(ImageStore.CHANGE_LOG_RETENTION))) {
            return Optional.empty();
        }
        Map<String, ImageChange> latest = new HashMap<>();
        Instant at = last.get().requestedAt(); // seq -1: changes recorded at that very instant count as after it
        long seq = -1;
        while (true) {
            List<ImageChange> page = images.changesAfter(at, seq, 1000);
            for (ImageChange ch : page) {
                if (ch.tenantId().equals(tenant)) latest.put(ch.digest(), ch);
                at = ch.at();
                seq = ch.seq();
            }
            if (page.size() < 1000) break;
        }
        return Optional.of(latest.values().stream().filter(ch -> !ch.removed()).map(ImageChange::digest).sorted().toList());
    }

    private static Selector selector(String tenant, Optional<List<String>> digests) {
        return digests.map(d -> new Selector(Selector.Scope.BY_DIGEST, tenant, null, null, d, null, null, false))
                .orElse(Selector.allImages(tenant));
    }
}
