package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Per-run event lists with live listeners. Listeners are called outside the append lock, in order per run. */
public final class InMemoryRunEventLog implements RunEventLog {
    private final Clock clock;
    private final Map<String, List<RunEventRecord>> events = new ConcurrentHashMap<>();
    private final Map<String, CopyOnWriteArrayList<Consumer<RunEventRecord>>> listeners = new ConcurrentHashMap<>();

    public InMemoryRunEventLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public RunEventRecord append(String tenantId, String runId, RunEvent event) {
        return appendAll(tenantId, runId, List.of(event)).get(0);
    }

    @Override
    public List<RunEventRecord> appendAll(String tenantId, String runId, List<RunEvent> batch) {
        List<RunEventRecord> list = events.computeIfAbsent(runId, r -> new ArrayList<>());
        List<RunEventRecord> out = new ArrayList<>(batch.size());
        // Append and notify under the run's lock so every listener sees events in seq order.
        synchronized (list) {
            for (RunEvent event : batch) {
                RunEventRecord rec = new RunEventRecord(tenantId, runId, list.size() + 1L, clock.instant(), event);
                list.add(rec);
                out.add(rec);
            }
            var ls = listeners.get(runId);
            if (ls != null) {
                for (RunEventRecord rec : out) {
                    for (Consumer<RunEventRecord> l : ls) {
                        try {
                            l.accept(rec);
                        } catch (RuntimeException ignored) {
                            // A failing subscriber (closed SSE connection) must not break the worker.
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public List<RunEventRecord> after(String runId, long afterSeq, int limit) {
        List<RunEventRecord> list = events.get(runId);
        if (list == null) return List.of();
        synchronized (list) {
            int from = (int) Math.max(0, Math.min(afterSeq, list.size()));
            return new ArrayList<>(list.subList(from, Math.min(list.size(), from + limit)));
        }
    }

    @Override
    public AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener) {
        var ls = listeners.computeIfAbsent(runId, r -> new CopyOnWriteArrayList<>());
        ls.add(listener);
        return () -> ls.remove(listener);
    }
}
