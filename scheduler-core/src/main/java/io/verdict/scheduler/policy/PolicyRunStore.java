package io.verdict.scheduler.policy;

import java.util.Optional;

/** Durable record of requested policy runs, per tenant: idempotency on the policy-run ID and "since the last run". */
public interface PolicyRunStore {
    /** Records the policy run; false (and nothing changed) when the tenant already has one under that ID. */
    boolean insert(PolicyRun run);

    Optional<PolicyRun> find(String tenantId, String policyRunId);

    /** The tenant's most recently requested run of the policy that planned a run (full or incremental), if any. */
    Optional<PolicyRun> lastPlanned(String tenantId, String policyId);
}
