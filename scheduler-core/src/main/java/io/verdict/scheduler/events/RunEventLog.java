package io.verdict.scheduler.events;

import java.util.List;
import java.util.function.Consumer;

/**
 * Ordered per-run event log with live subscription. Stored events let a reconnecting client resume after the
 * last ID it saw (SSE {@code Last-Event-ID}) and let a polling client catch up; subscriptions fan out live.
 * Distributed adapters make events appended on one instance visible to subscribers on every instance.
 */
public interface RunEventLog extends RunEventFeed {
    RunEventRecord append(String tenantId, String runId, RunEvent event);

    /**
     * Appends several events of one run with consecutive sequence numbers, in order, nothing of another append
     * between them. The default loops over {@link #append} (consecutive only with a single appender per run);
     * adapters write the batch at once.
     */
    default List<RunEventRecord> appendAll(String tenantId, String runId, List<RunEvent> events) {
        List<RunEventRecord> out = new java.util.ArrayList<>(events.size());
        for (RunEvent e : events) out.add(append(tenantId, runId, e));
        return out;
    }

    /** Events with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
    @Override
    List<RunEventRecord> after(String runId, long afterSeq, int limit);

    /** Live events of a run until the returned handle is closed. */
    @Override
    AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener);
}
