package io.verdict.scheduler.app.config;

/** What a process does: serve the API (and plan), execute segments, or both (the embedded default). */
public enum Role {
    API, WORKER, ALL;

    public boolean servesApi() {
        return this != WORKER;
    }

    public boolean runsWorkers() {
        return this != API;
    }
}
