package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.contracts.OutboxCrashScenario;
import io.verdict.scheduler.events.outbox.OutboxStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/**
 * {@link OutboxCrashScenario} on the SQLite file of the embedded default: the unit of work is one transaction, so the
 * "death" inside it rolls the run's completion back; a restart reopens the file (with the app's start-up recovery).
 */
class OutboxTransactionCrashTest extends OutboxCrashScenario {
    @TempDir
    Path dir;

    @Override
    protected Process start() {
        JdbcDatabase db = JdbcDatabase.sqlite(dir.resolve("scheduler.db"));
        JdbcStorage jdbc = new JdbcStorage(db, Clock.systemUTC());
        jdbc.recoverEmbedded(); // as the app does at start: the dead process's leases and locks are freed
        return new Process() {
            @Override
            public SchedulerBuilder builder() {
                return Scheduler.builder().storage(jdbc.storage()).queue(jdbc.segmentQueue()).locks(jdbc.lockService())
                        .tickLedger(jdbc.tickLedger()).unitOfWork(jdbc.unitOfWork());
            }

            @Override
            public OutboxStore outbox() {
                return jdbc.outbox();
            }

            @Override
            public Storage storage() {
                return jdbc.storage();
            }

            @Override
            public void close() {
                jdbc.close();
                db.close();
            }
        };
    }
}
