package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.policy.PolicyRun;
import io.verdict.scheduler.policy.PolicyRunStore;

import java.util.Optional;

/**
 * Requested policy runs in {@code policy_runs}, stored whole as canonical JSON; the primary key (tenant, policy run
 * ID) makes the first writer win. {@link #lastPlanned} is one index seek on (tenant, policy, planned, requested at,
 * ID), the requested instant kept to the nanosecond in two columns.
 */
public final class JdbcPolicyRunStore implements PolicyRunStore {
    private final JdbcDatabase db;

    public JdbcPolicyRunStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public boolean insert(PolicyRun run) {
        return db.transaction(c -> Sql.update(c, "INSERT INTO policy_runs (tenant_id, policy_run_id, policy_id, planned, "
                        + "requested_s, requested_nanos, doc) VALUES (?,?,?,?,?,?,?) "
                        + "ON CONFLICT (tenant_id, policy_run_id) DO NOTHING", run.tenantId(), run.policyRunId(),
                run.policyId(), run.schedulerRunId() != null ? 1L : 0L, run.requestedAt().getEpochSecond(),
                (long) run.requestedAt().getNano(), doc(run).json())) == 1;
    }

    @Override
    public Optional<PolicyRun> find(String tenantId, String policyRunId) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM policy_runs WHERE tenant_id = ? AND policy_run_id = ?",
                rs -> run(Doc.parse(rs.getString(1))), tenantId, policyRunId));
    }

    @Override
    public Optional<PolicyRun> lastPlanned(String tenantId, String policyId) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM policy_runs WHERE tenant_id = ? AND policy_id = ? "
                        + "AND planned = 1 ORDER BY requested_s DESC, requested_nanos DESC, policy_run_id DESC LIMIT 1",
                rs -> run(Doc.parse(rs.getString(1))), tenantId, policyId));
    }

    static Doc doc(PolicyRun r) {
        return Doc.create().put("tenantId", r.tenantId()).put("policyRunId", r.policyRunId())
                .put("policyId", r.policyId()).put("policyVersion", r.policyVersion()).put("mode", r.mode().wire())
                .put("sbomSet", r.sbomSet()).put("schedulerRunId", r.schedulerRunId())
                .put("simulatedTotal", r.simulatedTotal())
                .put("indexBuiltAt", r.indexBuiltAt() == null ? null : r.indexBuiltAt().toString())
                .put("requestedAt", r.requestedAt().toString()).put("correlationId", r.correlationId());
    }

    static PolicyRun run(Doc d) {
        String mode = d.required("mode");
        return new PolicyRun(d.required("tenantId"), d.required("policyRunId"), d.required("policyId"),
                d.integer("policyVersion"), PolicyRun.Mode.fromWire(mode)
                        .orElseThrow(() -> new IllegalStateException("stored policy run has mode " + mode)),
                d.strings("sbomSet"), d.string("schedulerRunId"), d.optionalInteger("simulatedTotal"),
                d.instant("indexBuiltAt"), d.instant("requestedAt"), d.string("correlationId"));
    }
}
