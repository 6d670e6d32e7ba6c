package io.verdict.scheduler.execution;

import java.util.Optional;

/** Last known report per image, the baseline a new verdict is compared with. */
public interface VerdictStore {
    Optional<ScanReport> latest(String tenantId, String imageDigest);

    void save(String tenantId, ScanReport report);
}
