package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offline kit's snapshot of a SQL store: the durable state (schedules and their tick ledger, runs with segments,
 * deltas and events, the impact index's images, verdicts, intake cursors and processed events, audit, counters) as
 * canonical JSON lines, table by table in a fixed order and each table in primary-key order, so the same store gives
 * the same bytes. The first line names the format and schema version, the last carries the row count and the SHA-256
 * of every line before it. Transient coordination state (queue messages, leases, locks, dead letters) is left out:
 * a starting instance re-enqueues unfinished runs from their segments.
 *
 * <p>Import writes into an empty store of the same schema version in one transaction, after checking the digest;
 * table and column names are taken only from this class's list and the store's own columns, never from the file.
 */
public final class JdbcSnapshot {
    public static final String FORMAT = "verdict-scheduler.snapshot@1";

    /** Table → primary key columns, in export order (parents before children). */
    static final Map<String, List<String>> TABLES = tables();

    public record Summary(int schemaVersion, long rows, String sha256, Map<String, Long> rowsPerTable) {}

    private JdbcSnapshot() {}

    private static Map<String, List<String>> tables() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("schedules", List.of("tenant_id", "id"));
        t.put("tick_cursors", List.of("tenant_id", "schedule_id"));
        t.put("tick_decisions", List.of("tenant_id", "schedule_id", "fire_ms"));
        t.put("images", List.of("tenant_id", "digest"));
        t.put("verdicts", List.of("tenant_id", "image_digest"));
        t.put("intake_cursors", List.of("tenant_id", "source"));
        t.put("processed_events", List.of("tenant_id", "event_id"));
        t.put("runs", List.of("id"));
        t.put("segments", List.of("run_id", "idx"));
        t.put("deltas", List.of("run_id", "image_digest"));
        t.put("run_events", List.of("run_id", "seq"));
        t.put("audit", List.of("seq"));
        t.put("counters", List.of("name"));
        return t;
    }

    /** Writes the snapshot of {@code db} to {@code file} (replacing it). */
    public static Summary export(JdbcDatabase db, int schemaVersion, Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            MessageDigest sha = sha256();
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("format", FORMAT);
            header.put("schemaVersion", schemaVersion);
            header.put("tables", new ArrayList<>(TABLES.keySet()));
            line(w, sha, CanonicalJson.write(header));
            long[] total = {0};
            db.transaction(c -> {
                for (var table : TABLES.entrySet()) {
                    long n = 0;
                    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table.getKey() + " ORDER BY "
                            + String.join(", ", table.getValue()));
                         ResultSet rs = ps.executeQuery()) {
                        ResultSetMetaData md = rs.getMetaData();
                        while (rs.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (int i = 1; i <= md.getColumnCount(); i++) {
                                row.put(md.getColumnName(i).toLowerCase(java.util.Locale.ROOT), value(rs.getObject(i)));
                            }
                            Map<String, Object> l = new LinkedHashMap<>();
                            l.put("table", table.getKey());
                            l.put("row", row);
                            line(w, sha, CanonicalJson.write(l));
                            n++;
                        }
                    }
                    counts.put(table.getKey(), n);
                    total[0] += n;
                }
                return null;
            });
            String digest = HexFormat.of().formatHex(sha.digest());
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("rows", total[0]);
            end.put("rowsPerTable", counts);
            end.put("sha256", digest);
            w.write(CanonicalJson.write(Map.of("end", end)));
            w.write('\n');
            return new Summary(schemaVersion, total[0], digest, counts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Imports {@code file} into {@code db}, which must hold no rows in the snapshot's tables and have the same schema
     * version. Throws {@link IllegalArgumentException} (nothing written) if the file is not a complete, untampered
     * snapshot of that version, {@link IllegalStateException} if the store is not empty.
     */
    @SuppressWarnings("unchecked")
    public static Summary importInto(JdbcDatabase db, int schemaVersion, Path file) {
        Summary checked = check(file, schemaVersion);
        db.transaction(c -> {
            for (String table : TABLES.keySet()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new IllegalStateException("the store is not empty (table " + table + " has rows); "
                                + "import only into a new data directory");
                    }
                }
            }
            Map<String, Set<String>> columns = new LinkedHashMap<>();
            for (String table : TABLES.keySet()) columns.put(table, columns(c, table));
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                r.readLine();
                String line;
                while ((line = r.readLine()) != null) {
                    Map<String, Object> l = (Map<String, Object>) JsonReader.parse(line);
                    if (l.containsKey("end")) break;
                    String table = (String) l.get("table");
                    Set<String> known = columns.get(table);
                    if (known == null) throw new IllegalArgumentException("snapshot names an unknown table '" + table + "'");
                    Map<String, Object> row = (Map<String, Object>) l.get("row");
                    if (!known.containsAll(row.keySet())) {
                        throw new IllegalArgumentException("snapshot row of " + table + " has columns the store lacks: " + row.keySet());
                    }
                    List<String> cols = new ArrayList<>(row.keySet());
                    String sql = "INSERT INTO " + table + " (" + String.join(", ", cols) + ") VALUES ("
                            + String.join(", ", java.util.Collections.nCopies(cols.size(), "?")) + ")";
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (int i = 0; i < cols.size(); i++) ps.setObject(i + 1, row.get(cols.get(i)));
                        ps.executeUpdate();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
        return checked;
    }

    /** Reads the whole file once: format, schema version, the final line and the digest of every line before it. */
    @SuppressWarnings("unchecked")
    public static Summary check(Path file, int schemaVersion) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            MessageDigest sha = sha256();
            String first = r.readLine();
            if (first == null) throw new IllegalArgumentException("snapshot " + file + " is empty");
            Map<String, Object> header = (Map<String, Object>) JsonReader.parse(first);
            if (!FORMAT.equals(header.get("format"))) {
                throw new IllegalArgumentException("not a " + FORMAT + " file: " + file);
            }
            int version = ((Number) header.get("schemaVersion")).intValue();
            if (version != schemaVersion) {
                throw new IllegalArgumentException("snapshot has schema version " + version + ", this store has "
                        + schemaVersion + "; import with the release that wrote it");
            }
            sha.update((first + "\n").getBytes(StandardCharsets.UTF_8));
            long rows = 0;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("{\"end\":")) {
                    Map<String, Object> end = (Map<String, Object>) ((Map<String, Object>) JsonReader.parse(line)).get("end");
                    String digest = HexFormat.of().formatHex(sha.digest());
                    if (!digest.equals(end.get("sha256")) || ((Number) end.get("rows")).longValue() != rows) {
                        throw new IllegalArgumentException("snapshot " + file + " does not match its digest (changed or truncated)");
                    }
                    Map<String, Long> counts = new LinkedHashMap<>();
                    ((Map<String, Object>) end.get("rowsPerTable")).forEach((k, v) -> counts.put(k, ((Number) v).longValue()));
                    return new Summary(version, rows, digest, counts);
                }
                sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
                rows++;
            }
            throw new IllegalArgumentException("snapshot " + file + " is truncated (no end line)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("snapshot " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) out.add(md.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    /** Integers of either width are written the same way, so SQLite's Integer/Long choice never changes the bytes. */
    private static Object value(Object v) {
        if (v instanceof Integer i) return i.longValue();
        if (v instanceof Short s) return s.longValue();
        return v;
    }

    private static void line(BufferedWriter w, MessageDigest sha, String json) {
        String l = json + "\n";
        sha.update(l.getBytes(StandardCharsets.UTF_8));
        try {
            w.write(l);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
