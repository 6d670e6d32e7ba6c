package io.verdict.scheduler.archfixture.queue;

import io.verdict.scheduler.archfixture.runs.RunSide;

/** With {@link RunSide}, breaks rule 5. */
public class QueueSide {
    public RunSide owner() {
        return new RunSide();
    }
}
