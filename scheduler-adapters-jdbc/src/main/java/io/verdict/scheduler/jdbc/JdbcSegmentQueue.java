package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable segment queue in the store: one row per waiting or leased segment in {@code queue_messages}
 * (primary key queue + segment key, so enqueueing a waiting segment again is a no-op), dead letters in
 * {@code dead_letters}.
 *
 * <ul>
 *   <li>Claim, in one transaction: a read decides whether anything is ready or expired (idle polls write nothing),
 *   expired leases are put back, a fencing token is drawn from a durable counter, and one
 *   {@code UPDATE … WHERE key = (SELECT … ORDER BY available_ms, seq LIMIT 1 [FOR UPDATE SKIP LOCKED]) RETURNING …}
 *   takes the oldest ready message of the next run of the next tenant (fair share, round-robin per instance;
 *   see {@link #fairTurn}). PostgreSQL claimers skip each other's locked rows; SQLite has one writer.</li>
 *   <li>{@link #release} gives a message back without counting the delivery (a worker stopping before the work).</li>
 *   <li>Ack, renew, retry and dead-letter match the message <em>and</em> the lease's token: after a lease was
 *   reclaimed, the former holder's calls match nothing.</li>
 *   <li>Dead-lettering copies and deletes in one transaction, so there is no half-done state to repair.</li>
 *   <li>Every "now" comes from the injected clock.</li>
 * </ul>
 */
public final class JdbcSegmentQueue implements SegmentQueue {
    private static final String COLUMNS = "tenant_id, run_id, idx, schedule_id, deliveries, lease_expires_ms";

    private final JdbcDatabase db;
    private final Clock clock;
    private final String name;
    private final String fencingCounter;
    private final String orderCounter;
    private volatile String lastTenant;
    private final java.util.Map<String, String> lastRunOfTenant = new java.util.concurrent.ConcurrentHashMap<>();

    public JdbcSegmentQueue(JdbcDatabase db, Clock clock) {
        this(db, clock, "runner");
    }

    public JdbcSegmentQueue(JdbcDatabase db, Clock clock, String name) {
        this.db = db;
        this.clock = clock;
        this.name = name;
        this.fencingCounter = "queue:" + name + ":fencing";
        this.orderCounter = "queue:" + name + ":order";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void enqueue(SegmentRef ref, Instant availableAt) {
        db.transaction(c -> Sql.update(c, "INSERT INTO queue_messages (queue, msg_key, tenant_id, run_id, idx, schedule_id, "
                        + "available_ms, seq, deliveries) VALUES (?,?,?,?,?,?,?,?,0) ON CONFLICT (queue, msg_key) DO NOTHING",
                name, ref.key(), ref.tenantId(), ref.runId(), ref.index(), ref.scheduleId(), availableAt.toEpochMilli(),
                Counters.next(c, orderCounter)));
    }

    /** One transaction, one batched insert; returns how many were new. */
    @Override
    public int enqueueAll(java.util.Collection<SegmentRef> refs, Instant availableAt) {
        if (refs.isEmpty()) return 0;
        return db.transaction(c -> {
            long seq = Counters.reserve(c, orderCounter, refs.size()) - refs.size(); // the order values, in one statement
            List<Object[]> rows = new java.util.ArrayList<>(refs.size());
            for (SegmentRef ref : refs) {
                rows.add(new Object[] {name, ref.key(), ref.tenantId(), ref.runId(), ref.index(), ref.scheduleId(),
                        availableAt.toEpochMilli(), ++seq});
            }
            int added = 0;
            for (int n : Sql.batch(c, "INSERT INTO queue_messages (queue, msg_key, tenant_id, run_id, idx, schedule_id, "
                    + "available_ms, seq, deliveries) VALUES (?,?,?,?,?,?,?,?,0) ON CONFLICT (queue, msg_key) DO NOTHING",
                    rows)) {
                if (n > 0) added += n;
            }
            return added;
        });
    }

    @Override
    public Optional<Lease> claim(String owner, Duration leaseTime) {
        long now = clock.millis();
        long expires = now + leaseTime.toMillis();
        Optional<Lease> got = db.transaction(c -> {
            boolean anything = Sql.one(c, "SELECT 1 FROM queue_messages WHERE queue = ? AND ("
                    + "(lease_token IS NULL AND available_ms <= ?) OR (lease_token IS NOT NULL AND lease_expires_ms <= ?)) "
                    + "LIMIT 1", rs -> Boolean.TRUE, name, now, now).isPresent();
            if (!anything) return Optional.<Lease>empty();
            putBackExpired(c, now);
            long token = Counters.next(c, fencingCounter);
            Optional<Lease> lease = Optional.empty();
            String[] turn = fairTurn(c, now);
            if (turn != null) lease = take(c, owner, token, expires, now, " AND tenant_id = ? AND run_id = ?", turn);
            // The fair pick was taken meanwhile (another claimer holds its row): the oldest ready message then.
            if (lease.isEmpty()) lease = take(c, owner, token, expires, now, "");
            return lease;
        });
        got.ifPresent(l -> {
            lastTenant = l.ref().tenantId();
            lastRunOfTenant.put(l.ref().tenantId(), l.ref().runId());
        });
        return got;
    }

    /**
     * Fair share (as the in-memory and Mongo queues): the tenant after the one this instance served last
     * (wrapping), and within it the run after the one served last, among messages ready now; the claim then takes
     * that run's oldest message, so one big or slow run never starves the others. Each lookup is a {@code MIN} over
     * the partial index {@code queue_fair} (queue, tenant, run, available, seq); each instance keeps its own turn.
     */
    private String[] fairTurn(Connection c, long now) throws SQLException {
        String ready = " FROM queue_messages WHERE queue = ? AND lease_token IS NULL AND available_ms <= ?";
        String previous = lastTenant;
        String tenant = previous == null ? null : Sql.one(c, "SELECT MIN(tenant_id)" + ready + " AND tenant_id > ?",
                rs -> rs.getString(1), name, now, previous).orElse(null);
        if (tenant == null) tenant = Sql.one(c, "SELECT MIN(tenant_id)" + ready, rs -> rs.getString(1), name, now)
                .orElse(null);
        if (tenant == null) return null;
        String lastRun = lastRunOfTenant.get(tenant);
        String run = lastRun == null ? null : Sql.one(c, "SELECT MIN(run_id)" + ready + " AND tenant_id = ? AND run_id > ?",
                rs -> rs.getString(1), name, now, tenant, lastRun).orElse(null);
        if (run == null) run = Sql.one(c, "SELECT MIN(run_id)" + ready + " AND tenant_id = ?", rs -> rs.getString(1),
                name, now, tenant).orElse(null);
        return run == null ? null : new String[] {tenant, run};
    }

    /** Leases the oldest ready message matching {@code filter} (bound to {@code filterParams}). */
    private Optional<Lease> take(Connection c, String owner, long token, long expires, long now, String filter,
                                 Object... filterParams) throws SQLException {
        Object[] params = new Object[6 + filterParams.length];
        Object[] head = {owner, token, expires, name, name, now};
        System.arraycopy(head, 0, params, 0, head.length);
        System.arraycopy(filterParams, 0, params, head.length, filterParams.length);
        return Sql.one(c, "UPDATE queue_messages SET lease_owner = ?, lease_token = ?, lease_expires_ms = ?, "
                        + "deliveries = deliveries + 1 WHERE queue = ? AND lease_token IS NULL AND msg_key = ("
                        + "SELECT msg_key FROM queue_messages WHERE queue = ? AND lease_token IS NULL AND available_ms <= ?"
                        + filter + " ORDER BY available_ms, seq LIMIT 1" + db.dialect().claimLocking() + ") RETURNING "
                        + COLUMNS,
                rs -> new Lease(ref(rs), owner, token, Instant.ofEpochMilli(rs.getLong("lease_expires_ms")),
                        rs.getInt("deliveries"), Long.toString(token)),
                params);
    }

    @Override
    public Lease renew(Lease lease, Duration leaseTime) {
        long now = clock.millis();
        long expires = now + leaseTime.toMillis();
        return db.transaction(c -> {
            int n = Sql.update(c, "UPDATE queue_messages SET lease_expires_ms = ? WHERE queue = ? AND msg_key = ? "
                    + "AND lease_token = ? AND lease_expires_ms >= ?", expires, name, lease.ref().key(),
                    lease.fencingToken(), now);
            if (n == 0) {
                Long current = Sql.one(c, "SELECT lease_token FROM queue_messages WHERE queue = ? AND msg_key = ?",
                        rs -> Sql.nullableLong(rs, "lease_token"), name, lease.ref().key()).orElse(null);
                throw new StaleLeaseException(lease.ref().key(), lease.fencingToken(),
                        current != null ? current : lease.fencingToken() + 1);
            }
            return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), Instant.ofEpochMilli(expires),
                    lease.deliveries(), lease.receipt());
        });
    }

    @Override
    public boolean ack(Lease lease) {
        return db.transaction(c -> Sql.update(c, "DELETE FROM queue_messages WHERE queue = ? AND msg_key = ? "
                + "AND lease_token = ?", name, lease.ref().key(), lease.fencingToken())) == 1;
    }

    /** One transaction (one commit) for the ack and the next claim. */
    @Override
    public Optional<Lease> ackThenClaim(Lease done, String owner, Duration leaseTime) {
        return db.transaction(c -> {
            ack(done);
            return claim(owner, leaseTime);
        });
    }

    @Override
    public boolean retryAt(Lease lease, Instant availableAt) {
        return db.transaction(c -> Sql.update(c, "UPDATE queue_messages SET available_ms = ?, seq = ?, lease_owner = NULL, "
                        + "lease_token = NULL, lease_expires_ms = NULL WHERE queue = ? AND msg_key = ? AND lease_token = ?",
                availableAt.toEpochMilli(), Counters.next(c, orderCounter), name, lease.ref().key(),
                lease.fencingToken())) == 1;
    }

    /**
     * Gives the message back untouched at {@code availableAt}, the delivery not counted (a worker that stops before
     * starting the work); a fresh enqueue order, so it goes behind what is already waiting at that time.
     */
    @Override
    public boolean release(Lease lease, Instant availableAt) {
        return db.transaction(c -> Sql.update(c, "UPDATE queue_messages SET available_ms = ?, seq = ?, lease_owner = NULL, "
                        + "lease_token = NULL, lease_expires_ms = NULL, deliveries = CASE WHEN deliveries > 0 "
                        + "THEN deliveries - 1 ELSE 0 END WHERE queue = ? AND msg_key = ? AND lease_token = ?",
                availableAt.toEpochMilli(), Counters.next(c, orderCounter), name, lease.ref().key(),
                lease.fencingToken())) == 1;
    }

    @Override
    public boolean deadLetter(Lease lease, String reason) {
        long now = clock.millis();
        return db.transaction(c -> {
            int copied = Sql.update(c, "INSERT INTO dead_letters (queue, msg_key, fencing_token, tenant_id, run_id, idx, "
                            + "schedule_id, reason, deliveries, at_ms) SELECT queue, msg_key, lease_token, tenant_id, run_id, "
                            + "idx, schedule_id, ?, deliveries, ? FROM queue_messages WHERE queue = ? AND msg_key = ? "
                            + "AND lease_token = ? ON CONFLICT (queue, msg_key, fencing_token) DO NOTHING",
                    reason == null ? "" : reason, now, name, lease.ref().key(), lease.fencingToken());
            int removed = Sql.update(c, "DELETE FROM queue_messages WHERE queue = ? AND msg_key = ? AND lease_token = ?",
                    name, lease.ref().key(), lease.fencingToken());
            return removed == 1 && copied <= 1;
        });
    }

    @Override
    public int reclaimExpired() {
        long now = clock.millis();
        return db.transaction(c -> {
            boolean any = Sql.one(c, "SELECT 1 FROM queue_messages WHERE queue = ? AND lease_token IS NOT NULL "
                    + "AND lease_expires_ms <= ? LIMIT 1", rs -> Boolean.TRUE, name, now).isPresent();
            return any ? putBackExpired(c, now) : 0;
        });
    }

    private int putBackExpired(Connection c, long now) throws SQLException {
        return Sql.update(c, "UPDATE queue_messages SET available_ms = ?, seq = ?, lease_owner = NULL, lease_token = NULL, "
                        + "lease_expires_ms = NULL WHERE queue = ? AND lease_token IS NOT NULL AND lease_expires_ms <= ?",
                now, Counters.next(c, orderCounter), name, now);
    }

    /**
     * Puts every leased message back at once: at start of a store this process has to itself (the embedded file),
     * every lease belongs to a process that is gone. Returns how many.
     */
    public int releaseAllLeases() {
        long now = clock.millis();
        return db.transaction(c -> Sql.update(c, "UPDATE queue_messages SET available_ms = ?, lease_owner = NULL, "
                + "lease_token = NULL, lease_expires_ms = NULL WHERE queue = ? AND lease_token IS NOT NULL", now, name));
    }

    @Override
    public int purgeRun(String runId) {
        return db.transaction(c -> Sql.update(c, "DELETE FROM queue_messages WHERE queue = ? AND run_id = ? "
                + "AND lease_token IS NULL", name, runId));
    }

    @Override
    public List<QueueDepth> depth() {
        long now = clock.millis();
        return db.transaction(c -> Sql.list(c, "SELECT tenant_id, "
                        + "SUM(CASE WHEN lease_token IS NULL AND available_ms <= ? THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN lease_token IS NULL AND available_ms > ? THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN lease_token IS NOT NULL THEN 1 ELSE 0 END) "
                        + "FROM queue_messages WHERE queue = ? GROUP BY tenant_id ORDER BY tenant_id",
                rs -> new QueueDepth(name, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)), now, now, name));
    }

    @Override
    public List<DeadLetter> deadLetters(String tenantId, int limit) {
        if (limit < 1) return List.of();
        return db.transaction(c -> Sql.list(c, "SELECT tenant_id, run_id, idx, schedule_id, reason, deliveries, at_ms "
                        + "FROM dead_letters WHERE queue = ? AND tenant_id = ? ORDER BY at_ms DESC, id DESC LIMIT ?",
                rs -> new DeadLetter(ref(rs), rs.getString("reason"), rs.getInt("deliveries"),
                        Instant.ofEpochMilli(rs.getLong("at_ms"))), name, tenantId, limit));
    }

    private static SegmentRef ref(ResultSet rs) throws SQLException {
        return new SegmentRef(rs.getString("tenant_id"), rs.getString("run_id"), rs.getInt("idx"),
                rs.getString("schedule_id"));
    }
}
