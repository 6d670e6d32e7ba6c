package io.verdict.scheduler.schedules;

import java.util.List;
import java.util.Optional;

/** Persistence of schedules (soft delete; version-checked updates). */
public interface ScheduleStore {
    void insert(Schedule schedule);

    /** Finds a schedule of the tenant, deleted ones included. */
    Optional<Schedule> find(String tenantId, String id);

    /** Replaces the stored schedule if its version is {@code updated.version() - 1}, else ConcurrentUpdateException. */
    Schedule update(Schedule updated);

    /** Not deleted schedules of a tenant, by name then id. */
    List<Schedule> list(String tenantId);

    /** Every enabled, not deleted schedule of every tenant (for the cron ticker). */
    List<Schedule> enabled();
}
