package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EnvelopeJson;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStatus;
import io.verdict.scheduler.events.outbox.OutboxStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * The outbox in table {@code outbox} (migration V2). Each method is one transaction.
 *
 * <p>IDs: an append inserts {@code MAX(id) + 1}; if another transaction took that number (PostgreSQL makes the
 * second insert wait for the first and then conflict) it reads again. So an id only becomes visible after every
 * smaller one, and a feed reader that has seen N never later finds an entry below N appear. A conflict on the
 * idempotency key instead returns the stored entry.
 *
 * <p>Claims: a compare-and-set on {@code next_attempt_ms} per entry, so two dispatchers never both win an entry.
 */
public final class JdbcOutboxStore implements OutboxStore {
    private static final int MAX_APPEND_ATTEMPTS = 100;
    private static final int KEY_CHUNK = 500;
    private static final String COLUMNS = "id, run_id, status, attempts, next_attempt_ms, last_error, envelope";
    /**
     * Each run's pending head, when due, in id order. The runs with pending entries are walked as a loose index
     * scan over {@code outbox_pending_by_run} (status, run_id, id): one index seek per run, then one per head.
     * Why: a "no earlier pending entry of the same run" filter over the pending rows in id order looked at every
     * pending row of every round — with one 100,000-target run's deltas waiting, each round read and sorted
     * 100,000 rows while holding the embedded store's only connection.
     */
    private static final String HEADS = "WITH RECURSIVE r(run_id) AS ("
            + "SELECT MIN(run_id) FROM outbox WHERE status = 'PENDING' "
            + "UNION ALL SELECT (SELECT MIN(p.run_id) FROM outbox p WHERE p.status = 'PENDING' AND p.run_id > r.run_id) "
            + "FROM r WHERE r.run_id IS NOT NULL) "
            + "SELECT " + COLUMNS + " FROM outbox o WHERE o.id IN (SELECT (SELECT MIN(q.id) FROM outbox q "
            + "WHERE q.status = 'PENDING' AND q.run_id = r.run_id) FROM r WHERE r.run_id IS NOT NULL) "
            + "AND o.next_attempt_ms <= ? ORDER BY o.id LIMIT ?";

    private final JdbcDatabase db;

    public JdbcOutboxStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public OutboxEntry append(String runId, EventEnvelope envelope, Instant now) {
        String json = EnvelopeJson.write(envelope);
        for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
            Optional<OutboxEntry> stored = db.transaction(c -> {
                Optional<OutboxEntry> existing = byKey(c, envelope.idempotencyKey());
                if (existing.isPresent()) return existing;
                long id = Sql.one(c, "SELECT COALESCE(MAX(id), 0) FROM outbox", rs -> rs.getLong(1)).orElse(0L) + 1;
                int n = Sql.update(c, "INSERT INTO outbox (id, idempotency_key, run_id, tenant_id, status, attempts, "
                                + "next_attempt_ms, last_error, envelope) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                        id, envelope.idempotencyKey(), runId, envelope.tenant(), OutboxStatus.PENDING.name(), 0,
                        now.toEpochMilli(), null, json);
                if (n == 1) return Optional.of(new OutboxEntry(id, runId, envelope, OutboxStatus.PENDING, 0, now, null));
                return byKey(c, envelope.idempotencyKey()); // empty: the id was taken, try the next one
            });
            if (stored.isPresent()) return stored.get();
        }
        throw new JdbcStoreException("outbox append of " + envelope.idempotencyKey() + " kept colliding ("
                + MAX_APPEND_ATTEMPTS + " attempts)", null);
    }

    /**
     * One transaction (or the caller's): one look-up of the keys already stored, one {@code MAX(id)} and one batch
     * insert of the new entries with consecutive ids in the given order. If another transaction took one of those ids
     * meanwhile (PostgreSQL), the batch is undone to a savepoint and tried again, so the order is kept.
     */
    @Override
    public List<OutboxEntry> appendAll(String runId, List<EventEnvelope> envelopes, Instant now) {
        if (envelopes.isEmpty()) return List.of();
        if (envelopes.size() == 1) return List.of(append(runId, envelopes.get(0), now));
        for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
            Optional<List<OutboxEntry>> stored = db.transaction(c -> {
                Map<String, OutboxEntry> known = new HashMap<>();
                List<String> keys = envelopes.stream().map(EventEnvelope::idempotencyKey).distinct().toList();
                for (int from = 0; from < keys.size(); from += KEY_CHUNK) {
                    List<String> chunk = keys.subList(from, Math.min(keys.size(), from + KEY_CHUNK));
                    for (OutboxEntry e : Sql.list(c, "SELECT " + COLUMNS + " FROM outbox WHERE idempotency_key IN ("
                            + Sql.placeholders(chunk.size()) + ")", JdbcOutboxStore::entry, chunk.toArray())) {
                        known.put(e.envelope().idempotencyKey(), e);
                    }
                }
                long id = Sql.one(c, "SELECT COALESCE(MAX(id), 0) FROM outbox", rs -> rs.getLong(1)).orElse(0L);
                List<OutboxEntry> out = new ArrayList<>(envelopes.size());
                List<Object[]> rows = new ArrayList<>();
                for (EventEnvelope e : envelopes) {
                    OutboxEntry have = known.get(e.idempotencyKey());
                    if (have == null) {
                        have = new OutboxEntry(++id, runId, e, OutboxStatus.PENDING, 0, now, null);
                        known.put(e.idempotencyKey(), have);
                        rows.add(new Object[]{have.id(), e.idempotencyKey(), runId, e.tenant(),
                                OutboxStatus.PENDING.name(), 0, now.toEpochMilli(), null, EnvelopeJson.write(e)});
                    }
                    out.add(have);
                }
                if (rows.isEmpty()) return Optional.of(out);
                Savepoint before = c.setSavepoint();
                int[] n = Sql.batch(c, "INSERT INTO outbox (id, idempotency_key, run_id, tenant_id, status, attempts, "
                        + "next_attempt_ms, last_error, envelope) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING", rows);
                for (int count : n) {
                    if (count == 0) {
                        c.rollback(before); // an id or key was taken meanwhile: read again
                        return Optional.<List<OutboxEntry>>empty();
                    }
                }
                c.releaseSavepoint(before);
                return Optional.of(out);
            });
            if (stored.isPresent()) return stored.get();
        }
        throw new JdbcStoreException("outbox append of " + envelopes.size() + " envelopes of run " + runId
                + " kept colliding (" + MAX_APPEND_ATTEMPTS + " attempts)", null);
    }

    private static Optional<OutboxEntry> byKey(Connection c, String key) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM outbox WHERE idempotency_key = ?", JdbcOutboxStore::entry, key);
    }

    @Override
    public List<OutboxEntry> claim(Instant now, Duration lease, int limit) {
        int max = OutboxStore.bounded(limit);
        if (max == 0) return List.of();
        long leaseUntil = now.plus(lease).toEpochMilli();
        return db.transaction(c -> {
            List<OutboxEntry> heads = Sql.list(c, "SELECT " + COLUMNS + " FROM outbox o WHERE o.status = 'PENDING' "
                    + "AND o.next_attempt_ms <= ? AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.status = 'PENDING' "
                    + "AND p.run_id = o.run_id AND p.id < o.id) ORDER BY o.id LIMIT ?", JdbcOutboxStore::entry,
                    now.toEpochMilli(), max);
            List<OutboxEntry> won = new ArrayList<>();
            for (OutboxEntry e : heads) {
                int n = Sql.update(c, "UPDATE outbox SET next_attempt_ms = ? WHERE id = ? AND status = 'PENDING' "
                        + "AND next_attempt_ms = ?", leaseUntil, e.id(), e.nextAttemptAt().toEpochMilli());
                if (n == 1) {
                    won.add(new OutboxEntry(e.id(), e.runId(), e.envelope(), e.status(), e.attempts(),
                            Instant.ofEpochMilli(leaseUntil), e.lastError()));
                }
            }
            return won;
        });
    }

    @Override
    public List<OutboxEntry> claimInOrder(Instant now, Duration lease, int limit, int perRun) {
        int max = OutboxStore.bounded(limit);
        if (max == 0) return List.of();
        int per = Math.max(1, perRun);
        long nowMs = now.toEpochMilli();
        long leaseUntil = now.plus(lease).toEpochMilli();
        return db.transaction(c -> {
            List<OutboxEntry> heads = Sql.list(c, HEADS, JdbcOutboxStore::entry, nowMs, max);
            List<OutboxEntry> won = new ArrayList<>();
            for (OutboxEntry head : heads) {
                if (won.size() >= max) break;
                // The run's pending entries from its head on (index outbox_pending_by_run), while due.
                List<OutboxEntry> run = new ArrayList<>();
                for (OutboxEntry e : Sql.list(c, "SELECT " + COLUMNS + " FROM outbox WHERE status = 'PENDING' "
                        + "AND run_id = ? AND id >= ? ORDER BY id LIMIT ?", JdbcOutboxStore::entry, head.runId(),
                        head.id(), Math.min(per, max - won.size()))) {
                    if (e.nextAttemptAt().toEpochMilli() > nowMs) break;
                    run.add(e);
                }
                if (run.isEmpty()) continue;
                // One compare-and-set for the run's entries (each must still hold the attempt time read), answering
                // the ids it won: one statement per round, not one per entry.
                // The plain id list is what both engines look the rows up by (the primary key).
                List<Object> params = new ArrayList<>(1 + 3 * run.size());
                params.add(leaseUntil);
                for (OutboxEntry e : run) params.add(e.id());
                for (OutboxEntry e : run) {
                    params.add(e.id());
                    params.add(e.nextAttemptAt().toEpochMilli());
                }
                java.util.Set<Long> taken = new java.util.HashSet<>(Sql.list(c, "UPDATE outbox SET next_attempt_ms = ? "
                        + "WHERE status = 'PENDING' AND id IN (" + Sql.placeholders(run.size()) + ") "
                        + "AND (id, next_attempt_ms) IN (VALUES "
                        + String.join(", ", java.util.Collections.nCopies(run.size(), "(?, ?)")) + ") RETURNING id",
                        rs -> rs.getLong(1), params.toArray()));
                for (OutboxEntry e : run) {
                    // Another dispatcher took this one meanwhile: what follows it must wait behind it.
                    if (!taken.contains(e.id())) break;
                    won.add(new OutboxEntry(e.id(), e.runId(), e.envelope(), e.status(), e.attempts(),
                            Instant.ofEpochMilli(leaseUntil), e.lastError()));
                }
            }
            return won;
        });
    }

    /** One transaction: the marks, then the claim (which sees the marked runs' next heads). */
    @Override
    public List<OutboxEntry> deliveredThenClaimInOrder(List<Long> delivered, Instant now, Duration lease, int limit,
                                                       int perRun) {
        return db.transaction(c -> {
            deliveredAll(delivered);
            return claimInOrder(now, lease, limit, perRun);
        });
    }

    @Override
    public void release(List<Long> ids, Instant at) {
        if (ids.isEmpty()) return;
        db.transaction(c -> {
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
                List<Object> params = new ArrayList<>(part.size() + 1);
                params.add(at.toEpochMilli());
                params.addAll(part);
                Sql.update(c, "UPDATE outbox SET next_attempt_ms = ? WHERE status = 'PENDING' AND id IN ("
                        + Sql.placeholders(part.size()) + ")", params.toArray());
            }
            return null;
        });
    }

    @Override
    public void deliveredAll(List<Long> ids) {
        if (ids.isEmpty()) return;
        db.transaction(c -> {
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
                Sql.update(c, "UPDATE outbox SET status = 'DELIVERED' WHERE status = 'PENDING' AND id IN ("
                        + Sql.placeholders(part.size()) + ")", part.toArray());
            }
            return null;
        });
    }

    /**
     * Makes every pending entry due at {@code now}: for a store this process has to itself (the embedded file), where
     * a claim left by a killed process would otherwise hold its run's events back until the lease ran out. Returns
     * how many entries were held by a future attempt time (a lease, or a retry wait, which is cut short too).
     */
    public int releaseLeases(Instant now) {
        return db.transaction(c -> Sql.update(c, "UPDATE outbox SET next_attempt_ms = ? WHERE status = 'PENDING' "
                + "AND next_attempt_ms > ?", now.toEpochMilli(), now.toEpochMilli()));
    }

    @Override
    public void delivered(long id) {
        db.transaction(c -> Sql.update(c, "UPDATE outbox SET status = 'DELIVERED' WHERE id = ? AND status = 'PENDING'", id));
    }

    @Override
    public void failed(long id, String error, Instant retryAt) {
        db.transaction(c -> Sql.update(c, "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_ms = ? "
                + "WHERE id = ? AND status = 'PENDING'", error, retryAt.toEpochMilli(), id));
    }

    @Override
    public void dead(long id, String error) {
        db.transaction(c -> Sql.update(c, "UPDATE outbox SET status = 'DEAD', attempts = attempts + 1, last_error = ? "
                + "WHERE id = ? AND status = 'PENDING'", error, id));
    }

    @Override
    public List<OutboxEntry> after(String tenant, long afterId, int limit) {
        int max = OutboxStore.bounded(limit);
        if (max == 0) return List.of();
        return db.transaction(c -> Sql.list(c, "SELECT " + COLUMNS + " FROM outbox WHERE tenant_id = ? AND id > ? "
                + "ORDER BY id LIMIT ?", JdbcOutboxStore::entry, tenant, afterId, max));
    }

    @Override
    public List<OutboxEntry> deadLetters(String tenant, long afterId, int limit) {
        int max = OutboxStore.bounded(limit);
        if (max == 0) return List.of();
        return db.transaction(c -> Sql.list(c, "SELECT " + COLUMNS + " FROM outbox WHERE tenant_id = ? AND status = 'DEAD' "
                + "AND id > ? ORDER BY id LIMIT ?", JdbcOutboxStore::entry, tenant, afterId, max));
    }

    @Override
    public boolean replay(String tenant, long id, Instant now) {
        return db.transaction(c -> Sql.update(c, "UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_ms = ? "
                + "WHERE id = ? AND tenant_id = ? AND status = 'DEAD'", now.toEpochMilli(), id, tenant)) == 1;
    }

    @Override
    public OutboxCounts counts() {
        return db.transaction(c -> {
            long[] n = new long[4];
            Sql.list(c, "SELECT status, CASE WHEN attempts > 0 THEN 1 ELSE 0 END AS retried, COUNT(*) FROM outbox "
                    + "GROUP BY status, CASE WHEN attempts > 0 THEN 1 ELSE 0 END", rs -> {
                        long count = rs.getLong(3);
                        switch (OutboxStatus.valueOf(rs.getString(1))) {
                            case PENDING -> {
                                n[0] += count;
                                if (rs.getInt(2) == 1) n[1] += count;
                            }
                            case DELIVERED -> n[2] += count;
                            case DEAD -> n[3] += count;
                        }
                        return null;
                    });
            return new OutboxCounts(n[0], n[1], n[2], n[3]);
        });
    }

    private static OutboxEntry entry(ResultSet rs) throws SQLException {
        return new OutboxEntry(rs.getLong("id"), rs.getString("run_id"), EnvelopeJson.parse(rs.getString("envelope")),
                OutboxStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                Instant.ofEpochMilli(rs.getLong("next_attempt_ms")), rs.getString("last_error"));
    }
}
