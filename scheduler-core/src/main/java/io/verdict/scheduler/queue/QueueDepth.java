package io.verdict.scheduler.queue;

/** Backlog of one tenant in one queue: ready to claim now, waiting for a retry window, held under lease. */
public record QueueDepth(String queue, String tenantId, long ready, long delayed, long leased) {
    public long total() {
        return ready + delayed + leased;
    }
}
