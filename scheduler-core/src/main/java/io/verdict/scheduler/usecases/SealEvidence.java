package io.verdict.scheduler.usecases;

import io.verdict.scheduler.evidence.EvidenceBundle;
import io.verdict.scheduler.evidence.Signer;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;

import java.util.List;
import java.util.Objects;

/**
 * Sealing a run's evidence: the signed bundle of an ended run as a deterministic tar.gz (manifest, deltas, findings
 * CSV, policy summary, DSSE attestation). Same run and key, same bytes.
 */
public final class SealEvidence {
    public record Command(String tenantId, String runId) {
        public Command {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(runId, "runId");
        }
    }

    public sealed interface Result {
        record Sealed(String runId, byte[] tarGz) implements Result {}

        /** This scheduler has no evidence signing key. */
        record NoSigningKey() implements Result {}

        /** Evidence is sealed when the run ends; this one is still {@code state}. */
        record RunNotEnded(String runId, RunState state) implements Result {}
    }

    private final RunQueries queries;
    private final Signer signer;

    SealEvidence(RunQueries queries, Signer signer) {
        this.queries = queries;
        this.signer = signer;
    }

    public boolean available() {
        return signer != null;
    }

    public Result execute(Command c) {
        if (signer == null) return new Result.NoSigningKey();
        Run run = queries.run(c.tenantId(), c.runId());
        if (!run.state().isTerminal()) return new Result.RunNotEnded(run.id(), run.state());
        List<Segment> segs = queries.segments(run);
        // The index stamp at planning time is not recorded on the run yet; the live stamp would make the bundle
        // change with every SBOM update, so it is left out rather than misreported.
        return new Result.Sealed(run.id(), EvidenceBundle.tarGz(EvidenceBundle.files(run, queries.stats(run), segs,
                queries.deltas(run), null, signer)));
    }
}
