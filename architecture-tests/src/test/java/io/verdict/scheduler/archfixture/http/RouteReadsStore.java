package io.verdict.scheduler.archfixture.http;

import io.verdict.scheduler.archfixture.runs.RunStore;

/** Breaks rule 6: an HTTP route reaching into a store instead of going through a use case. */
public class RouteReadsStore {
    public void write(RunStore runs) {
        runs.save("run-1");
    }
}
