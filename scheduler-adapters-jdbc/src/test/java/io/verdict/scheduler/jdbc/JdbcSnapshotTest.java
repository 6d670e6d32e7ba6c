package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The offline kit's snapshot on SQLite and on the real PostgreSQL: faithful, deterministic, refuses bad input. */
class JdbcSnapshotTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");

    @Nested
    class OnSqlite extends Contract {
        @Override
        TestDatabase database() {
            return TestDatabase.sqlite(JdbcSnapshotTest.class);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        @Override
        TestDatabase database() {
            return TestDatabase.postgres(JdbcSnapshotTest.class);
        }
    }

    abstract static class Contract {
        @TempDir
        Path dir;

        abstract TestDatabase database();

        /** A store with a finished advisory run (segments, deltas, events, plan inputs), images, verdicts, audit. */
        private static String populate(JdbcStorage jdbc) throws InterruptedException {
            ManualClock clock = new ManualClock(T0);
            SimulatedScanner scanner = new SimulatedScanner(3, new SimulatedScanner.Profile(Duration.ZERO, 0, 0, 0, 0.6), clock);
            try (Scheduler s = Scheduler.builder().clock(clock).seed(11).storage(jdbc.storage()).queue(jdbc.segmentQueue())
                    .locks(jdbc.lockService()).tickLedger(jdbc.tickLedger()).scanner(scanner).segmentSize(5).build()) {
                TestEstate.images("acme", 20).forEach(i -> {
                    s.indexImage(i);
                    jdbc.storage().verdicts().save("acme", scanner.baseline(i.digest(), T0));
                });
                String runId = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER,
                        Set.of("pkg:deb/debian/openssl@3.0.11-1"), null)).run().id();
                var w = s.newWorker("w");
                while (w.runOnce()) { }
                new io.verdict.scheduler.audit.AuditTrail(jdbc.storage().audit(), clock).record("acme", "alice", "run.create", runId, "c-1", java.util.Map.of());
                return runId;
            }
        }

        @Test
        void importIntoAnEmptyStoreKeepsEverythingAndReExportsToTheSameBytes() throws Exception {
            try (TestDatabase src = database(); TestDatabase dst = database()) {
                JdbcStorage a = new JdbcStorage(src.db(), java.time.Clock.systemUTC());
                String runId = populate(a);
                Path first = dir.resolve("first.jsonl");
                JdbcSnapshot.Summary exported = JdbcSnapshot.export(src.db(), a.schemaVersion(), first);
                assertThat(exported.rowsPerTable()).containsEntry("runs", 1L).containsEntry("images", 20L)
                        .containsEntry("segments", 2L);

                JdbcStorage b = new JdbcStorage(dst.db(), java.time.Clock.systemUTC());
                JdbcSnapshot.importInto(dst.db(), b.schemaVersion(), first);
                Path second = dir.resolve("second.jsonl");
                JdbcSnapshot.export(dst.db(), b.schemaVersion(), second);
                assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));

                Run run = a.storage().runs().find(runId).orElseThrow();
                assertThat(run.planInputs()).isNotNull();
                assertThat(b.storage().runs().find(runId)).contains(run);
                assertThat(b.storage().segments().forRun(runId)).isEqualTo(a.storage().segments().forRun(runId));
                assertThat(b.storage().deltas().forRun(runId)).isEqualTo(a.storage().deltas().forRun(runId)).isNotEmpty();
                assertThat(b.storage().images().loadAll()).containsExactlyInAnyOrderElementsOf(a.storage().images().loadAll());
                assertThat(b.storage().audit().recent("acme", 100)).isEqualTo(a.storage().audit().recent("acme", 100));

                // The imported store keeps working: new audit records continue after the imported ones.
                b.storage().audit().append(new AuditRecord("acme", "bob", "run.cancel", runId, T0.plusSeconds(60), "c-2", Map.of()));
                // 20 image.index records (indexing is audited), run.create, and the new run.cancel on top.
                List<AuditRecord> recent = b.storage().audit().recent("acme", 100);
                assertThat(recent).hasSize(22);
                assertThat(recent.get(0).action()).isEqualTo("run.cancel");
                assertThat(recent).extracting(AuditRecord::action).contains("run.create");

                assertThatThrownBy(() -> JdbcSnapshot.importInto(dst.db(), b.schemaVersion(), first))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not empty");
                a.close();
                b.close();
            }
        }

        @Test
        void aChangedTruncatedOrForeignFileIsRefusedAndNothingIsWritten() throws Exception {
            try (TestDatabase src = database(); TestDatabase dst = database()) {
                JdbcStorage a = new JdbcStorage(src.db(), java.time.Clock.systemUTC());
                populate(a);
                Path kit = dir.resolve("kit.jsonl");
                JdbcSnapshot.export(src.db(), a.schemaVersion(), kit);
                String text = Files.readString(kit);
                JdbcStorage b = new JdbcStorage(dst.db(), java.time.Clock.systemUTC());

                Path changed = dir.resolve("changed.jsonl");
                Files.writeString(changed, text.replace("\"acme\"", "\"evil\""));
                assertThatThrownBy(() -> JdbcSnapshot.importInto(dst.db(), b.schemaVersion(), changed))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match its digest");
                Path truncated = dir.resolve("truncated.jsonl");
                Files.writeString(truncated, text.substring(0, text.lastIndexOf("{\"end\"")));
                assertThatThrownBy(() -> JdbcSnapshot.importInto(dst.db(), b.schemaVersion(), truncated))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
                assertThatThrownBy(() -> JdbcSnapshot.importInto(dst.db(), b.schemaVersion() + 1, kit))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema version");
                assertThat(b.storage().images().loadAll()).isEmpty();
                assertThat(b.storage().runs().active()).isEmpty();
                a.close();
                b.close();
            }
        }
    }
}
