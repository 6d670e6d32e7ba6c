package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleStore;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryScheduleStore implements ScheduleStore {
    private final ConcurrentHashMap<String, Schedule> schedules = new ConcurrentHashMap<>();

    private static String key(String tenantId, String id) {
        return tenantId + "|" + id;
    }

    @Override
    public void insert(Schedule schedule) {
        if (schedules.putIfAbsent(key(schedule.tenantId(), schedule.id()), schedule) != null) {
            throw new ConcurrentUpdateException("schedule " + schedule.id() + " exists");
        }
    }

    @Override
    public Optional<Schedule> find(String tenantId, String id) {
        return Optional.ofNullable(schedules.get(key(tenantId, id)));
    }

    @Override
    public Schedule update(Schedule updated) {
        Schedule result = schedules.computeIfPresent(key(updated.tenantId(), updated.id()),
                (k, stored) -> stored.version() == updated.version() - 1 ? updated : stored);
        if (result != updated) throw new ConcurrentUpdateException("schedule " + updated.id());
        return updated;
    }

    @Override
    public List<Schedule> list(String tenantId) {
        return schedules.values().stream().filter(s -> s.tenantId().equals(tenantId) && !s.isDeleted())
                .sorted(Comparator.comparing(Schedule::name, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(Schedule::id))
                .toList();
    }

    @Override
    public List<Schedule> enabled() {
        return schedules.values().stream().filter(s -> s.enabled() && !s.isDeleted())
                .sorted(Comparator.comparing(Schedule::tenantId).thenComparing(Schedule::id)).toList();
    }
}
