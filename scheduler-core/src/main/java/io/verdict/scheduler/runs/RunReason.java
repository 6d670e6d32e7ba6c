package io.verdict.scheduler.runs;

/** Why a run was planned: the human reason or the intake export/cursor that caused it. All optional but correlationId. */
public record RunReason(
        String manualReason,
        String concelierExportId,
        String excititorExportId,
        String cursor,
        String impactWindowFrom,
        String impactWindowTo,
        String policyRevision,
        String correlationId) {

    public static RunReason manual(String reason, String correlationId) {
        return new RunReason(reason, null, null, null, null, null, null, correlationId);
    }

    public RunReason withCorrelationId(String id) {
        return new RunReason(manualReason, concelierExportId, excititorExportId, cursor, impactWindowFrom,
                impactWindowTo, policyRevision, id);
    }

    /**
     * The key two runs share when they were planned for the same cause; used to avoid queueing an image twice
     * for the same advisory export while an earlier run for it is still in flight.
     */
    public String dedupKey(Trigger trigger) {
        String cause = concelierExportId != null ? concelierExportId
                : excititorExportId != null ? excititorExportId
                : policyRevision != null ? policyRevision
                : null;
        return cause == null ? null : trigger.wire() + ":" + cause;
    }
}
