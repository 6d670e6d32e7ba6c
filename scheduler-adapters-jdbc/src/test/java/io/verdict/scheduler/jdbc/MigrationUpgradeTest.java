package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store created by a build that knew only V1 (existing data dirs) is upgraded in place at start: its data stays
 * and the tables of the later scripts work.
 */
class MigrationUpgradeTest {
    private static final ImageRecord IMAGE = new ImageRecord("acme", "sha256:a", "registry.example", "one",
            List.of("ns"), List.of("latest"), Map.of(), List.of(new Component("pkg:npm/lodash@4.17.21", false)));

    @Test
    void aSqliteFileAtV1IsUpgradedKeepingItsData(@TempDir Path dir) {
        try (JdbcDatabase db = JdbcDatabase.sqlite(dir.resolve("scheduler.db"))) {
            upgradeFromV1(db);
        }
    }

    @Test
    void aPostgresSchemaAtV1IsUpgradedKeepingItsData() {
        String schema = TestDatabase.uniqueSchema(MigrationUpgradeTest.class);
        TestDatabase.exec(TestDatabase.PG_URL, "CREATE SCHEMA " + schema);
        try (JdbcDatabase db = JdbcDatabase.postgres(TestDatabase.PG_URL + "?currentSchema=" + schema,
                TestDatabase.PG_USER, null, 2)) {
            upgradeFromV1(db);
        } finally {
            TestDatabase.exec(TestDatabase.PG_URL, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static void upgradeFromV1(JdbcDatabase db) {
        Migrations.Script v1 = Migrations.scripts(db.dialect()).get(0);
        assertThat(v1.version()).isEqualTo(1);
        db.transaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                        + "applied_at TEXT NOT NULL)");
                for (String s : Migrations.statements(v1.sql())) st.execute(s);
            }
            Sql.update(c, "INSERT INTO schema_version (version, description, applied_at) VALUES (1, ?, ?)",
                    v1.description(), Instant.now().toString());
            Sql.update(c, "INSERT INTO images (tenant_id, digest, doc) VALUES (?,?,?)", IMAGE.tenantId(),
                    IMAGE.digest(), CatalogCodecs.image(IMAGE).json());
            return null;
        });

        List<Migrations.Script> all = Migrations.scripts(db.dialect());
        try (JdbcStorage storage = new JdbcStorage(db, Clock.systemUTC())) {
            assertThat(storage.schemaVersion()).isEqualTo(all.get(all.size() - 1).version());
            assertThat(storage.storage().images().loadAll()).containsExactly(IMAGE);
            storage.storage().images().delete("acme", "sha256:a");
            assertThat(storage.storage().images().changesAfter(Instant.EPOCH, -1, 10)).hasSize(1);
            assertThat(storage.storage().progress().backlog()).isEmpty();
            assertThat(storage.storage().advisories().countIds("acme")).isZero();
        }
    }
}
