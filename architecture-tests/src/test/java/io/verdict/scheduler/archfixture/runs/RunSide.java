package io.verdict.scheduler.archfixture.runs;

import io.verdict.scheduler.archfixture.queue.QueueSide;

/** With {@link QueueSide}, breaks rule 5: runs → queue → runs. */
public class RunSide {
    public QueueSide queue() {
        return new QueueSide();
    }
}
