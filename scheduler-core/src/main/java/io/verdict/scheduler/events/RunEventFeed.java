package io.verdict.scheduler.events;

import java.util.List;
import java.util.function.Consumer;

/** The read side of {@link RunEventLog}: catch up after a sequence and follow live — what SSE and polling need. */
public interface RunEventFeed {
    /** Events with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
    List<RunEventRecord> after(String runId, long afterSeq, int limit);

    /** Live events of a run until the returned handle is closed. */
    AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener);
}
