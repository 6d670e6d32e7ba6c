package io.verdict.scheduler.archfixture.runs;

/** A fixture storage port. */
public interface RunStore {
    void save(String id);
}
