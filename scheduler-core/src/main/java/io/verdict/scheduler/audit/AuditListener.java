package io.verdict.scheduler.audit;

/**
 * Told of every audit record once it is stored — how a deployable writes one log line per manage action without the
 * core knowing about logging. Called on the thread that recorded the action; must be quick and must not throw.
 */
@FunctionalInterface
public interface AuditListener {
    void recorded(AuditRecord record);
}
