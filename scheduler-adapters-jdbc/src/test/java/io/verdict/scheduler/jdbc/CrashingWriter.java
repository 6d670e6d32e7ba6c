package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Trigger;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The child process of {@link SqliteCrashTest}: opens the SQLite store and writes until it is killed, printing
 * {@code ACK <what>} only after the store call returned — what a server would acknowledge with a 2xx.
 *
 * <p>Modes: {@code runs PREFIX} (4 threads inserting runs), {@code planning} (a run left in planning with its segments,
 * plus the planner lock, then waits to be killed).
 */
public final class CrashingWriter {
    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String mode = args[1];
        PrintStream out = new PrintStream(System.out, true);
        JdbcDatabase db = JdbcDatabase.sqlite(file);
        JdbcStorage store = new JdbcStorage(db, Clock.systemUTC());
        switch (mode) {
            case "runs" -> {
                Thread[] writers = new Thread[4];
                for (int t = 0; t < writers.length; t++) {
                    int thread = t;
                    writers[t] = Thread.ofPlatform().start(() -> {
                        for (int i = 0; ; i++) {
                            String id = "run-" + args[2] + "-" + thread + "-" + i;
                            store.storage().runs().insert(run(id, RunState.QUEUED));
                            synchronized (out) {
                                out.println("ACK " + id);
                            }
                        }
                    });
                }
                for (Thread w : writers) w.join();
            }
            case "planning" -> {
                store.storage().runs().insert(run("run-planned", RunState.QUEUED));
                store.storage().runs().insert(run("run-half", RunState.PLANNING));
                store.storage().segments().insertAll(List.of(segment("run-half", 0), segment("run-half", 1)));
                store.segmentQueue().enqueue(new io.verdict.scheduler.queue.SegmentRef("t1", "run-half", 0, null),
                        Instant.now());
                var lease = store.lockService().tryAcquire("planner:t1", "node-dead", Duration.ofSeconds(60)).orElseThrow();
                out.println("ACK lock " + lease.fencingToken());
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    static Run run(String id, RunState state) {
        return new Run(id, "t1", null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, state, RunReason.manual("crash test", null),
                Instant.parse("2025-10-26T14:05:11.123Z"), null, null, null, null, "sha256:00", 1, 1, 1, 0);
    }

    static Segment segment(String runId, int index) {
        return new Segment(runId, index, "t1", null, List.of("sha256:a" + index), SegmentState.QUEUED, 0, null, null,
                null, 0, null, null, Instant.parse("2025-10-26T14:05:11.123Z"), 0);
    }
}
