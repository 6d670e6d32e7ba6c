package io.verdict.scheduler.bench.race;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQLite floor: a bare queue table in one file with the embedded store's durability (WAL,
 * {@code synchronous=FULL}): insert one row per target in transactions of 100, then claim 100 at a time
 * ({@code UPDATE … RETURNING}, one transaction) and delete the claimed rows in another,
 * until the table is empty. What a SQLite-backed job queue costs with nothing else in the transaction.
 */
final class RawSqliteLane {
    private static final int BATCH = 100;

    private RawSqliteLane() {}

    static LaneResult run(String lane, int rows) throws Exception {
        Path dir = Files.createTempDirectory("race-raw-sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("q.db"))) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=FULL");
                st.execute("CREATE TABLE q (id INTEGER PRIMARY KEY, run TEXT NOT NULL, segment INTEGER NOT NULL, "
                        + "claimed_by TEXT, lease_until INTEGER)");
                st.execute("CREATE INDEX q_free ON q (claimed_by, id)");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO q (run, segment) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ins.setString(1, "r1");
                    ins.setInt(2, i);
                    ins.addBatch();
                    if ((i + 1) % BATCH == 0 || i == rows - 1) {
                        ins.executeBatch();
                        c.commit();
                    }
                }
            }
            long enqueued = System.nanoTime();
            long done = 0;
            try (PreparedStatement claim = c.prepareStatement("UPDATE q SET claimed_by = 'w1', lease_until = ? WHERE id IN "
                    + "(SELECT id FROM q WHERE claimed_by IS NULL ORDER BY id LIMIT " + BATCH + ") RETURNING id");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM q WHERE id = ?")) {
                while (true) {
                    claim.setLong(1, System.currentTimeMillis() + 30_000);
                    List<Long> ids = new ArrayList<>(BATCH);
                    try (ResultSet rs = claim.executeQuery()) {
                        while (rs.next()) ids.add(rs.getLong(1));
                    }
                    c.commit();
                    if (ids.isEmpty()) break;
                    for (long id : ids) {
                        delete.setLong(1, id);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                    c.commit();
                    done += ids.size();
                }
            }
            long finished = System.nanoTime();
            return new LaneResult(lane, rows, 0, (enqueued - t0) / 1e9, (finished - t0) / 1e9, "deleted=" + done);
        } finally {
            OursLane.deleteTree(dir);
        }
    }
}
