package io.verdict.scheduler.events;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.SegmentState;

/** What the console sees happen to a run, in order. The {@code kind()} is the SSE event name. */
public sealed interface RunEvent {
    String kind();

    record StateChanged(RunState state, ErrorCode errorCode) implements RunEvent {
        public String kind() { return "stateChanged"; }
    }

    /** A segment changed state; {@code runProcessed}/{@code runTotal} give the run's progress after it. */
    record SegmentProgress(int index, SegmentState state, int attempt, int processed, int total,
                           int runProcessed, int runTotal, String workerId) implements RunEvent {
        public String kind() { return "segmentProgress"; }
    }

    record DeltaReported(DeltaSummary delta) implements RunEvent {
        public String kind() { return "deltaSummary"; }
    }

    record Log(String level, String message, String correlationId) implements RunEvent {
        public String kind() { return "log"; }
    }
}
