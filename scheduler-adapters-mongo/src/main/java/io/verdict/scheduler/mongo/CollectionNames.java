package io.verdict.scheduler.mongo;

/** Collection names, one place, so the indexes, the stores and the README agree. */
final class CollectionNames {
    static final String RUNS = "runs";
    static final String SEGMENTS = "segments";
    static final String DELTAS = "deltas";
    static final String VERDICTS = "verdicts";
    static final String IMAGES = "images";
    static final String SCHEDULES = "schedules";
    static final String CURSORS = "cursors";
    static final String PROCESSED_EVENTS = "processedEvents";
    static final String AUDIT = "audit";
    static final String RUN_EVENTS = "runEvents";
    static final String QUEUE = "queueMessages";
    static final String DEAD_LETTERS = "deadLetters";
    static final String LOCKS = "locks";
    static final String COUNTERS = "counters";
    static final String RUN_PROGRESS = "runProgress";
    static final String OUTBOX = "outbox";
    static final String TICK_DECISIONS = "tickDecisions";
    static final String TICK_CURSORS = "tickCursors";
    static final String ADVISORY_CATALOG = "advisoryCatalog";
    static final String IMAGE_CHANGES = "imageChanges";
    static final String POLICY_RUNS = "policyRuns";

    private CollectionNames() {}
}
