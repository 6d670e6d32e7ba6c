package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunCursor;
import io.verdict.scheduler.runs.RunStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Run store in a map; version checks make it behave like the durable adapters. */
public final class InMemoryRunStore implements RunStore {
    /** Newest first, ties broken by id descending: the order every listing uses. */
    public static final Comparator<Run> NEWEST_FIRST =
            Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed();

    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();

    @Override
    public void insert(Run run) {
        if (runs.putIfAbsent(run.id(), run) != null) throw new ConcurrentUpdateException("run " + run.id() + " exists");
    }

    @Override
    public Optional<Run> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public Run update(Run updated) {
        Run result = runs.computeIfPresent(updated.id(), (id, stored) -> {
            if (stored.version() != updated.version() - 1) return stored;
            return updated;
        });
        if (result != updated) throw new ConcurrentUpdateException("run " + updated.id());
        return updated;
    }

    @Override
    public Page<Run> list(RunFilter filter, String cursor, int limit) {
        RunCursor after = cursor == null ? null : RunCursor.decode(cursor);
        List<Run> all = new ArrayList<>();
        for (Run r : runs.values()) {
            if (filter.matches(r) && (after == null || after.isBefore(r))) all.add(r);
        }
        all.sort(NEWEST_FIRST);
        if (all.size() <= limit) return new Page<>(all, null);
        List<Run> page = all.subList(0, limit);
        return new Page<>(page, RunCursor.of(page.get(page.size() - 1)).encode());
    }

    @Override
    public List<Run> active() {
        return runs.values().stream().filter(r -> !r.state().isTerminal())
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id)).toList();
    }
}
