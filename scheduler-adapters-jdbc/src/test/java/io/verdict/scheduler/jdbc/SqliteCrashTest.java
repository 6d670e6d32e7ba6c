package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.runs.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded store under kill -9: a child JVM writes and prints an acknowledgement after each store call
 * returned; it is killed without warning, the file is reopened, and every acknowledged write must be there.
 */
class SqliteCrashTest {
    private static Process child(Path file, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), file.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scheduler.db");
        for (int trial = 0; trial < 3; trial++) {
            Process p = child(file, "runs", "t" + trial);
            List<String> acked = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            int killAfter = 150 + trial * 100;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("ACK ")) acked.add(line.substring(4));
                if (acked.size() == killAfter) p.toHandle().destroyForcibly(); // SIGKILL (the handle leaves our pipe open)
            }
            p.waitFor();
            assertThat(acked).hasSizeGreaterThanOrEqualTo(killAfter);
            try (JdbcDatabase db = JdbcDatabase.sqlite(file); JdbcStorage store = new JdbcStorage(db, Clock.systemUTC())) {
                for (String id : acked) {
                    assertThat(store.storage().runs().find(id)).as("acknowledged run " + id + " (trial " + trial + ")")
                            .isPresent();
                }
            }
        }
    }

    @Test
    void aRestartRemovesTheRunLeftInPlanningAndFreesTheDeadProcesssLock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scheduler.db");
        Process p = child(file, "planning");
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ack = r.readLine();
        assertThat(ack).startsWith("ACK lock ");
        long deadToken = Long.parseLong(ack.substring("ACK lock ".length()));
        p.toHandle().destroyForcibly();
        p.waitFor();

        try (JdbcDatabase db = JdbcDatabase.sqlite(file); JdbcStorage store = new JdbcStorage(db, Clock.systemUTC())) {
            assertThat(store.lockService().tryAcquire("planner:t1", "node-new", Duration.ofSeconds(60)))
                    .as("before recovery the dead holder's 60 s lock still counts").isEmpty();
            store.recoverEmbedded();
            assertThat(store.storage().runs().find("run-half")).as("never acknowledged: gone").isEmpty();
            assertThat(store.storage().segments().forRun("run-half")).isEmpty();
            assertThat(store.segmentQueue().depth()).as("its queued segment went with it").isEmpty();
            assertThat(store.storage().runs().find("run-planned")).get()
                    .satisfies(run -> assertThat(run.state()).isEqualTo(RunState.QUEUED));
            Optional<LockLease> lock = store.lockService().tryAcquire("planner:t1", "node-new", Duration.ofSeconds(60));
            assertThat(lock).as("the planner lock is free at once").isPresent();
            assertThat(lock.get().fencingToken()).as("fencing tokens never go backwards").isGreaterThan(deadToken);
        }
    }

    @Test
    void theFileIsPrivateAndASecondProcessIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scheduler.db");
        try (JdbcDatabase db = JdbcDatabase.sqlite(file); JdbcStorage store = new JdbcStorage(db, Clock.systemUTC())) {
            store.storage().runs().insert(CrashingWriter.run("run-1", RunState.QUEUED));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("scheduler.db-wal"))))
                    .as("SQLite gives the log the database file's mode").isEqualTo("rw-------");
            assertThatThrownBy(() -> JdbcDatabase.sqlite(file)).hasMessageContaining("in use by another process");
        }
        try (JdbcDatabase db = JdbcDatabase.sqlite(file); JdbcStorage store = new JdbcStorage(db, Clock.systemUTC())) {
            assertThat(store.storage().runs().find("run-1")).as("closed cleanly, reopened").isPresent();
            assertThat(store.schemaVersion()).isEqualTo(2);
        }
    }
}
