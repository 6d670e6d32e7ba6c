package io.verdict.scheduler.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema scripts, {@code db/migration/<dialect>/V<n>__<what>.sql}, listed in that folder's
 * {@code index.txt}. At start every script above the recorded version runs, all in one transaction with the row
 * that records it in {@code schema_version}: a failed migration leaves the schema as it was. A database migrated
 * by a newer build (a version this build does not know) is refused rather than written with an older schema.
 */
final class Migrations {
    private Migrations() {}

    record Script(int version, String description, String sql) {}

    static int apply(JdbcDatabase db) {
        List<Script> scripts = scripts(db.dialect());
        return db.transaction(c -> {
            db.dialect().lockForMigration(c);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                        + "description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            }
            int current = Sql.one(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", rs -> rs.getInt(1))
                    .orElse(0);
            int known = scripts.isEmpty() ? 0 : scripts.get(scripts.size() - 1).version();
            if (current > known) {
                throw new IllegalStateException("the store's schema is at version " + current
                        + ", newer than this build knows (" + known + "); run a newer build");
            }
            for (Script s : scripts) {
                if (s.version() <= current) continue;
                run(c, s);
                Sql.update(c, "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                        s.version(), s.description(), Instant.now().toString());
                current = s.version();
            }
            return current;
        });
    }

    private static void run(Connection c, Script s) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String statement : statements(s.sql())) st.execute(statement);
        }
    }

    /** Statements end with {@code ;} at the end of a line; {@code --} lines are comments. */
    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("--")) continue;
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String stmt = cur.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().strip());
        return out;
    }

    static List<Script> scripts(JdbcDialect dialect) {
        String folder = "/db/migration/" + dialect.name() + "/";
        List<Script> out = new ArrayList<>();
        for (String name : read(folder + "index.txt").split("\n")) {
            name = name.strip();
            if (name.isEmpty() || name.startsWith("#")) continue;
            if (!name.matches("V\\d+__\\w+\\.sql")) throw new IllegalStateException("bad migration name " + name);
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            if (!out.isEmpty() && out.get(out.size() - 1).version() >= version) {
                throw new IllegalStateException("migrations out of order at " + name);
            }
            String description = name.substring(name.indexOf("__") + 2, name.length() - 4).replace('_', ' ');
            out.add(new Script(version, description, read(folder + name)));
        }
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
