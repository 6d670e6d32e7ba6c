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

    /** Events with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
    @Override
    List<RunEventRecord> after(String runId, long afterSeq, int limit);

    /** Live events of a run until the returned handle is closed. */
    @Override
    AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener);
}
