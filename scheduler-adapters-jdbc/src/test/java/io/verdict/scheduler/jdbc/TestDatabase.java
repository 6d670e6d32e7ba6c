package io.verdict.scheduler.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The database a test class works on: a SQLite file in a temporary directory, or a schema of its own on the real
 * PostgreSQL server of the machine ({@code PG_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/test}, user
 * {@code postgres}), created with the migrations applied, emptied before every test and dropped after the class.
 */
final class TestDatabase implements AutoCloseable {
    static final String PG_URL = System.getenv().getOrDefault("PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getenv().getOrDefault("PG_USER", "postgres");

    private static final List<String> TABLES = List.of("runs", "segments", "deltas", "verdicts", "images", "schedules",
            "intake_cursors", "processed_events", "audit", "run_events", "counters", "queue_messages", "dead_letters",
            "locks", "tick_decisions", "tick_cursors", "run_progress", "run_progress_shards", "progress_segments", "advisory_ids", "advisory_purls",
            "policy_runs", "image_changes", "outbox");

    private final JdbcDatabase db;
    private final Runnable cleanup;

    private TestDatabase(JdbcDatabase db, Runnable cleanup) {
        this.db = db;
        this.cleanup = cleanup;
        Migrations.apply(db);
    }

    static TestDatabase sqlite(Class<?> testClass) {
        try {
            Path dir = Files.createTempDirectory("jdbc-" + testClass.getSimpleName());
            return new TestDatabase(JdbcDatabase.sqlite(dir.resolve("scheduler.db")), () -> deleteTree(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestDatabase postgres(Class<?> testClass) {
        String schema = uniqueSchema(testClass);
        exec(PG_URL, "CREATE SCHEMA " + schema);
        JdbcDatabase db = JdbcDatabase.postgres(PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                PG_USER, null, 8);
        return new TestDatabase(db, () -> exec(PG_URL, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
    }

    static String uniqueSchema(Class<?> testClass) {
        String simple = testClass.getName().substring(testClass.getName().lastIndexOf('.') + 1)
                .replaceAll("[^A-Za-z0-9]", "");
        if (simple.length() > 40) simple = simple.substring(0, 40);
        return ("vt_" + simple + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL))
                .toLowerCase(Locale.ROOT);
    }

    static void exec(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, PG_USER, null); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + ": " + e.getMessage(), e);
        }
    }

    JdbcDatabase db() {
        return db;
    }

    /** The database with no rows (schema in place). */
    JdbcDatabase fresh() {
        db.transaction(c -> {
            try (Statement st = c.createStatement()) {
                for (String t : TABLES) st.execute("DELETE FROM " + t);
            }
            return null;
        });
        return db;
    }

    @Override
    public void close() {
        db.close();
        cleanup.run();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
