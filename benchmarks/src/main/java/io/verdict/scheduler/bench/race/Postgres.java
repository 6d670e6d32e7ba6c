package io.verdict.scheduler.bench.race;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A schema of its own on the machine's PostgreSQL ({@code RACE_PG_URL}, default {@code 127.0.0.1:5432/test}, user
 * postgres, trust auth) for one lane of one race, dropped on close: every lane starts from empty tables and leaves
 * nothing behind.
 */
final class Postgres implements AutoCloseable {
    static final String URL = System.getenv().getOrDefault("RACE_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getenv().getOrDefault("RACE_PG_USER", "postgres");

    final String schema;

    Postgres(String lane) {
        this.schema = ("race_" + lane.replaceAll("[^A-Za-z0-9]", "") + "_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL)).toLowerCase(Locale.ROOT);
        exec("CREATE SCHEMA " + schema);
        // The driver stops a lane that overruns with SIGTERM: the schema goes then too.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /** The JDBC URL with this schema as the search path. */
    String url() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A pool on this schema for the peers (auto-commit on, as both libraries expect by default). */
    HikariDataSource dataSource(int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url());
        cfg.setUsername(USER);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("race-" + schema);
        return new HikariDataSource(cfg);
    }

    void exec(String sql) {
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + URL + ": " + e.getMessage(), e);
        }
    }

    private boolean dropped;

    @Override
    public synchronized void close() {
        if (dropped) return;
        dropped = true;
        exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
