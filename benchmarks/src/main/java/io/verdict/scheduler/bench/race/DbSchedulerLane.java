package io.verdict.scheduler.bench.race;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * db-scheduler on the same PostgreSQL: one no-op one-time task per target, scheduled in bulk
 * ({@code scheduleBatch}), executed by 10 threads polling with lock-and-fetch ({@code SELECT … FOR UPDATE SKIP
 * LOCKED} that marks the batch picked in the same statement). The clock runs from the bulk schedule until every
 * execution ran and its row was removed (a finished one-time task deletes its row).
 */
final class DbSchedulerLane {
    /** db-scheduler's PostgreSQL table, as its README gives it. */
    private static final String DDL = """
            create table scheduled_tasks (
              task_name text not null,
              task_instance text not null,
              task_data bytea,
              execution_time timestamp with time zone not null,
              picked boolean not null,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures int,
              last_heartbeat timestamp with time zone,
              version bigint not null,
              priority smallint,
              primary key (task_name, task_instance)
            );
            create index execution_time_idx on scheduled_tasks (execution_time);
            create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
            create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
            """;

    private DbSchedulerLane() {}

    static LaneResult run(String lane, int tasks) throws Exception {
        try (Postgres pg = new Postgres("dbsched"); HikariDataSource ds = pg.dataSource(12)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute(DDL);
            }
            CountDownLatch done = new CountDownLatch(tasks);
            OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, ctx) -> done.countDown());
            Scheduler scheduler = Scheduler.create(ds, noop).threads(10).pollUsingLockAndFetch(0.5, 1.0)
                    .pollingInterval(Duration.ofSeconds(1)).build();
            try {
                long t0 = System.nanoTime();
                Instant now = Instant.now();
                Stream<TaskInstance<?>> instances = IntStream.range(0, tasks).mapToObj(i -> noop.instance("t" + i));
                scheduler.scheduleBatch(instances, now);
                long scheduled = System.nanoTime();
                scheduler.start();
                if (!done.await(2, TimeUnit.HOURS)) throw new IllegalStateException("db-scheduler did not finish");
                long left;
                while ((left = rows(ds)) > 0) Thread.sleep(20);
                long finished = System.nanoTime();
                return new LaneResult(lane, tasks, 0, (scheduled - t0) / 1e9, (finished - t0) / 1e9,
                        "executed=" + (tasks - done.getCount()) + " rows-left=" + left);
            } finally {
                scheduler.stop();
            }
        }
    }

    private static long rows(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from scheduled_tasks")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
