package io.verdict.scheduler.http.console;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.http.console.ConsoleJson.Phase;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress by phase from facts already stored: planner (created → queued), queue (queued → first segment
 * started), execution (→ last segment finished), post-processing (→ run finished). The queued instant is the
 * first {@code stateChanged} event, always among the run's first events.
 */
final class RunPhases {
    private RunPhases() {}

    static List<Phase> of(Run run, List<Segment> segments, List<RunEventRecord> firstEvents, RunStats stats, Instant now) {
        Instant queuedAt = null;
        for (RunEventRecord r : firstEvents) {
            if (r.event() instanceof RunEvent.StateChanged s && s.state() == RunState.QUEUED) {
                queuedAt = r.occurredAt();
                break;
            }
        }
        boolean terminal = run.state().isTerminal();
        Instant plannedAt = queuedAt != null ? queuedAt : terminal ? run.finishedAt() : null;
        Instant executionEnd = null;
        if (!segments.isEmpty() && segments.stream().allMatch(s -> s.state().isTerminal())) {
            for (Segment s : segments) {
                if (s.updatedAt() != null && (executionEnd == null || s.updatedAt().isAfter(executionEnd))) executionEnd = s.updatedAt();
            }
        }
        if (terminal && executionEnd == null) executionEnd = run.finishedAt();
        Instant started = run.startedAt();

        List<Phase> out = new ArrayList<>(4);
        out.add(phase("planner", run.createdAt(), plannedAt, now, null));
        out.add(phase("queue", plannedAt, started != null ? started : terminal ? run.finishedAt() : null, now, null));
        Instant execEndOrNow = executionEnd != null ? executionEnd : now;
        Double throughput = started == null ? null : perMinute(stats.processed(), started, execEndOrNow);
        out.add(phase("execution", started, executionEnd, now, throughput));
        out.add(phase("post-processing", executionEnd, terminal ? run.finishedAt() : null, now, null));
        return out;
    }

    static double throughput(Run run, RunStats stats, Instant now) {
        if (run.startedAt() == null) return 0;
        Instant end = run.finishedAt() != null ? run.finishedAt() : now;
        Double t = perMinute(stats.processed(), run.startedAt(), end);
        return t == null ? 0 : t;
    }

    private static Phase phase(String name, Instant start, Instant end, Instant now, Double throughput) {
        String state = start == null ? "pending" : end == null ? "running" : "done";
        Double seconds = start == null ? null : seconds(start, end == null ? now : end);
        return new Phase(name, state, start, end, seconds, throughput);
    }

    private static Double perMinute(int processed, Instant from, Instant to) {
        double minutes = Duration.between(from, to).toMillis() / 60_000.0;
        if (minutes <= 0) return null;
        return Math.round(processed / minutes * 10) / 10.0;
    }

    static Double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis()) / 1000.0;
    }
}
