package io.verdict.scheduler.execution;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Last known report per image, the baseline a new verdict is compared with. */
public interface VerdictStore {
    Optional<ScanReport> latest(String tenantId, String imageDigest);

    void save(String tenantId, ScanReport report);

    /**
     * The last reports of several images in one read; images never reported are absent. The default loops over
     * {@link #latest}; durable adapters answer with one query.
     */
    default Map<String, ScanReport> latestAll(String tenantId, Collection<String> imageDigests) {
        Map<String, ScanReport> out = new LinkedHashMap<>();
        for (String d : imageDigests) latest(tenantId, d).ifPresent(r -> out.put(d, r));
        return out;
    }

    /** Saves several reports (each replaces its image's last one) in one write where the adapter can. */
    default void saveAll(String tenantId, List<ScanReport> reports) {
        for (ScanReport r : reports) save(tenantId, r);
    }
}
