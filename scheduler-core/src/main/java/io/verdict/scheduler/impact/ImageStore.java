package io.verdict.scheduler.impact;

import java.util.List;

/** Durable copy of indexed SBOMs; the in-memory {@link ImpactIndex} is rebuilt from it at start-up. */
public interface ImageStore {
    void save(ImageRecord image);

    boolean delete(String tenantId, String digest);

    List<ImageRecord> loadAll();
}
