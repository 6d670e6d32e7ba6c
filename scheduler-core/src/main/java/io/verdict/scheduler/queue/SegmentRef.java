package io.verdict.scheduler.queue;

import java.util.Objects;

/** What travels through the queue: a pointer to a stored segment, never its targets. */
public record SegmentRef(String tenantId, String runId, int index, String scheduleId) {
    public SegmentRef {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(runId, "runId");
    }

    public String key() {
        return runId + "#" + index;
    }
}
