package io.verdict.scheduler.bench.race;

import com.zaxxer.hikari.HikariDataSource;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * JobRunr OSS on the same PostgreSQL: one no-op job per target, enqueued in bulk
 * ({@code BackgroundJob.enqueue(Stream, …)}, which saves them in batches), executed by a background job server with
 * 10 workers. The server is started after the bulk enqueue; the clock runs from the enqueue until the store counts
 * every job {@code SUCCEEDED}. Public because JobRunr's workers call {@link #noop} reflectively.
 */
public final class JobRunrLane {
    /** Executions seen by the no-op job (same JVM). */
    public static final LongAdder EXECUTED = new LongAdder();

    private JobRunrLane() {}

    /** The job: does nothing but count. Public and static so JobRunr can find and call it from the stored job. */
    public static void noop(int target) {
        EXECUTED.increment();
    }

    static LaneResult run(String lane, int jobs) throws Exception {
        try (Postgres pg = new Postgres("jobrunr"); HikariDataSource ds = pg.dataSource(12)) {
            StorageProvider storage = new PostgresStorageProvider(ds, DatabaseOptions.CREATE);
            JobRunr.configure().useJsonMapper(new JacksonJsonMapper()).useStorageProvider(storage)
                    .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                            .andWorkerCount(10).andPollInterval(Duration.ofSeconds(5)), false)
                    .initialize();
            try {
                long t0 = System.nanoTime();
                BackgroundJob.<Integer>enqueue(IntStream.range(0, jobs).boxed(), i -> JobRunrLane.noop(i));
                long enqueued = System.nanoTime();
                JobRunr.getBackgroundJobServer().start();
                long succeeded;
                long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
                while ((succeeded = storage.countJobs(StateName.SUCCEEDED)) < jobs && System.nanoTime() < deadline) {
                    // A failing job would be retried for hours: stop at the first one.
                    if (storage.countJobs(StateName.FAILED) > 0) throw new IllegalStateException("a JobRunr job failed");
                    Thread.sleep(EXECUTED.sum() < jobs ? 100 : 20);
                }
                long finished = System.nanoTime();
                return new LaneResult(lane, jobs, 0, (enqueued - t0) / 1e9, (finished - t0) / 1e9,
                        "succeeded=" + succeeded + " executed=" + EXECUTED.sum());
            } finally {
                JobRunr.destroy();
            }
        }
    }
}
