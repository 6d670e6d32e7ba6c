package io.verdict.scheduler.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The segment queue on Redis, shared by every node that points at the same Redis and prefix (layout 3, see the module
 * README and {@code queue-common.lua}).
 *
 * <p>Ready messages are text records in per-run lists, claimed fairly across tenants and runs. A waiting or leased
 * message has one field in its run's idempotency hash, whose value is the generation the message got when it last
 * became ready; a claim writes one lease record per batch (owner, expiry, the batch's generations and records), so a
 * lease (ref, token, batch) is held while the batch's generation at its position is still the ref's value. Ack
 * deletes the value; reclaim, retry and release give the message a fresh one, which fences out the old holder. A
 * renewal gives the lease its own record and expiry. Messages waiting for a retry window or a future
 * {@code availableAt} live in a sorted set and join their run's list when due. Every transition is one Lua script,
 * so moves are atomic and judged by Redis {@code TIME} — never by the clock of the node that calls. Fencing tokens
 * come from one {@code INCR} counter per queue, so a later claim always carries a larger token.
 *
 * <p>{@link #enqueueAll} (the port's, used by the planner) and, besides the port, {@link #claimBatch} and
 * {@link #ackAll} move many messages per round trip for high-volume callers.
 */
public final class RedisSegmentQueue implements SegmentQueue {
    private static final int MAX_PER_CALL = 500;
    private static final String COMMON = "queue-common.lua";
    private static final LuaScript ENQUEUE = LuaScript.fromResources(COMMON, "queue-enqueue.lua");
    private static final LuaScript CLAIM = LuaScript.fromResources(COMMON, "queue-claim.lua");
    private static final LuaScript ACK = LuaScript.fromResources(COMMON, "queue-ack.lua");
    private static final LuaScript RENEW = LuaScript.fromResources(COMMON, "queue-renew.lua");
    private static final LuaScript RETRY = LuaScript.fromResources(COMMON, "queue-retry.lua");
    private static final LuaScript RELEASE = LuaScript.fromResources(COMMON, "queue-release.lua");
    private static final LuaScript DEAD = LuaScript.fromResources(COMMON, "queue-dead.lua");
    private static final LuaScript PURGE = LuaScript.fromResources(COMMON, "queue-purge.lua");
    private static final LuaScript RECLAIM = LuaScript.fromResources(COMMON, "queue-reclaim.lua");
    private static final LuaScript DEPTH = LuaScript.fromResources(COMMON, "queue-depth.lua");
    private static final LuaScript SEED = LuaScript.fromResources(COMMON, "queue-seed-fencing.lua");
    private static final LuaScript ADOPT = LuaScript.fromResources(COMMON, "queue-adopt.lua");
    private static final LuaScript MIGRATE_IDEMP = LuaScript.fromResources(COMMON, "queue-migrate-idemp.lua");
    private static final LuaScript MIGRATE_LAYOUT3 = LuaScript.fromResources(COMMON, "queue-migrate-layout3.lua");
    private static final LuaScript MIGRATE_FINISH = LuaScript.fromResources(COMMON, "queue-migrate-finish.lua");
    /** Value of {@code <base>layout} once the idempotency records are per-run hashes (layout 2). */
    static final String LAYOUT_PER_RUN_HASHES = "2";
    /** Value of {@code <base>layout} once messages live in ready lists and claim batches, not in a stream (layout 3). */
    static final String LAYOUT = "3";

    private final RedisCommands<String, String> redis;
    private final RedisGuard guard;
    private final RedisQueueSettings settings;
    private final String[] keys;
    private final String ttlMillis;
    private final LongSupplier fencingFloor;
    /** Highest token this node has handed out: a floor even when the store is briefly unreachable. */
    private final AtomicLong highestIssued = new AtomicLong();
    int deadLetterPage = 200;

    /** The {@code runner} queue with default settings under {@code prefix}. */
    public RedisSegmentQueue(RedisConnection connection, String prefix) {
        this(connection, RedisQueueSettings.runner(prefix));
    }

    public RedisSegmentQueue(RedisConnection connection, RedisQueueSettings settings) {
        this(connection, settings, () -> 0L);
    }

    /**
     * @param fencingFloor the highest fencing token already stored (the segment store's
     *                     {@code maxFencingToken()}); read whenever Redis has no token counter — at start and
     *                     after Redis lost its data — so tokens never go backwards
     */
    public RedisSegmentQueue(RedisConnection connection, RedisQueueSettings settings, LongSupplier fencingFloor) {
        this.redis = Objects.requireNonNull(connection, "connection").commands();
        this.guard = connection.guard();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fencingFloor = Objects.requireNonNull(fencingFloor, "fencingFloor");
        this.keys = settings.scriptKeys();
        this.ttlMillis = Long.toString(settings.idempotencyTtl().toMillis());
        migrateIdempotencyKeys();
        migrateToLayout3();
        seedFencing();
    }

    /**
     * Once per queue: moves the per-message idempotency keys and per-run ref sets of the earlier layout into the
     * per-run idempotency hashes (one script call per run, so a message is never without its record). Skipped for a
     * fresh queue and once {@code <base>layout} says it is done. Returns how many records moved.
     */
    int migrateIdempotencyKeys() {
        String marker = settings.keyBase() + "layout";
        return guard.call(() -> {
            String layout = redis.get(marker);
            if (LAYOUT.equals(layout) || LAYOUT_PER_RUN_HASHES.equals(layout)) return 0;
            int moved = 0;
            if (redis.exists(settings.stream(), settings.keyBase() + "fair") > 0) {
                moved = perRun(settings.keyBase() + "run:", MIGRATE_IDEMP);
            }
            redis.set(marker, LAYOUT_PER_RUN_HASHES);
            return moved;
        });
    }

    /**
     * Runs an upgrade script once per run: for every key {@code <prefix><runId>} (scanned, never {@code KEYS}) with
     * the run ID as its argument, so no single call blocks Redis for the whole queue. Returns the sum of its answers.
     */
    private int perRun(String prefix, LuaScript upgrade) {
        int total = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(globEscape(prefix) + "*").limit(1000));
            for (String key : page.getKeys()) {
                Long n = script(upgrade, ScriptOutputType.INTEGER, key.substring(prefix.length()));
                total += n.intValue();
            }
            cursor = page;
        } while (!cursor.isFinished());
        return total;
    }

    /**
     * Once per queue: the upgrade from layout 2 (messages in the stream, a lease per message) to layout 3 (ready lists
     * and claim batches, see queue-common.lua). A queue without a stream started in layout 3. Otherwise the ready
     * entries a version without fair share left are listed first (as before), then every run is converted with one
     * script call ({@code queue-migrate-layout3.lua}: a run is never half converted), then the stream, its group and
     * the old lease index go and {@code <base>layout} says {@code 3}. Returns how many messages were converted.
     */
    int migrateToLayout3() {
        String marker = settings.keyBase() + "layout";
        return guard.call(() -> {
            if (LAYOUT.equals(redis.get(marker))) return 0;
            if (redis.exists(settings.stream()) == 0) {
                redis.set(marker, LAYOUT);
                return 0;
            }
            createGroup();
            script(ADOPT, ScriptOutputType.INTEGER, Integer.toString(MAX_PER_CALL));
            int converted = perRun(settings.keyBase() + "idemp:", MIGRATE_LAYOUT3);
            script(MIGRATE_FINISH, ScriptOutputType.INTEGER, LAYOUT);
            return converted;
        });
    }

    private static String globEscape(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    /**
     * Lists, once per queue, the ready entries a version without fair share left in the stream, so an upgrade
     * strands nothing (their idempotency keys would make the reconciler's re-enqueue a no-op). Returns how many.
     */
    int adoptEntriesOfAnEarlierLayout() {
        Long n = run(ADOPT, ScriptOutputType.INTEGER, Integer.toString(MAX_PER_CALL));
        return n.intValue();
    }

    /** Raises Redis' token counter to the highest token the store (or this node) already used; returns it. */
    public long seedFencing() {
        long floor = Math.max(fencingFloor.getAsLong(), highestIssued.get());
        Long now = run(SEED, ScriptOutputType.INTEGER, Long.toString(floor));
        return now;
    }

    public RedisQueueSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return settings.queue();
    }

    // ---- enqueue ------------------------------------------------------------------------------------------

    @Override
    public void enqueue(SegmentRef ref, Instant availableAt) {
        enqueueAll(List.of(ref), availableAt);
    }

    /** Enqueues many refs with one script call per 500; returns how many were new (the others were waiting or leased). */
    @Override
    public int enqueueAll(Collection<SegmentRef> refs, Instant availableAt) {
        Objects.requireNonNull(availableAt, "availableAt");
        String at = Long.toString(millis(availableAt));
        int added = 0;
        List<SegmentRef> chunk = new ArrayList<>(Math.min(refs.size(), MAX_PER_CALL));
        for (SegmentRef ref : refs) {
            chunk.add(ref);
            if (chunk.size() == MAX_PER_CALL) {
                added += enqueueChunk(at, chunk);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) added += enqueueChunk(at, chunk);
        return added;
    }

    /**
     * One script call: the refs grouped per run (in their order within the run, which is all the queue keeps), a ref
     * given twice sent once, so the script handles three arguments per message and no grouping of its own.
     */
    private int enqueueChunk(String at, List<SegmentRef> chunk) {
        Map<String, List<SegmentRef>> byRun = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int n = 0;
        for (SegmentRef ref : chunk) {
            if (!seen.add(ref.key())) continue;
            byRun.computeIfAbsent(ref.runId(), k -> new ArrayList<>()).add(ref);
            n++;
        }
        String[] args = new String[1 + byRun.size() * 2 + n * 3];
        int a = 0;
        args[a++] = at;
        for (Map.Entry<String, List<SegmentRef>> group : byRun.entrySet()) {
            args[a++] = group.getKey();
            args[a++] = Integer.toString(group.getValue().size());
            for (SegmentRef ref : group.getValue()) {
                args[a++] = ref.key();
                args[a++] = ref.tenantId();
                args[a++] = recordTail(ref);
            }
        }
        Long added = run(ENQUEUE, ScriptOutputType.INTEGER, args);
        return added.intValue();
    }

    /**
     * A message record without its generation, deliveries 0 (see queue-common.lua): built here so the script only
     * prefixes the generation. Lengths are in bytes, as Lua counts them.
     */
    static String recordTail(SegmentRef ref) {
        String payload = SegmentRefCodec.write(ref), tenant = ref.tenantId(), key = ref.key();
        StringBuilder sb = new StringBuilder(payload.length() + tenant.length() + key.length() + 16);
        sb.append("0|").append(utf8Length(tenant)).append('|').append(tenant)
                .append(utf8Length(key)).append('|').append(key)
                .append(utf8Length(payload)).append('|').append(payload);
        return sb.toString();
    }

    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) n += 1;
                else if (Character.isHighSurrogate(c)) {
                    n += 2;
                    i++;
                } else n += 2;
            }
        }
        return n;
    }


    // ---- claim --------------------------------------------------------------------------------------------

    @Override
    public Optional<Lease> claim(String owner, Duration leaseTime) {
        List<Lease> one = claimBatch(owner, leaseTime, 1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /** Claims up to {@code max} ready segments (oldest first) for one owner in one round trip. */
    public List<Lease> claimBatch(String owner, Duration leaseTime, int max) {
        requireOwner(owner);
        if (leaseTime.toMillis() < 1) throw new IllegalArgumentException("leaseTime must be at least 1 ms");
        if (max < 1 || max > MAX_PER_CALL) throw new IllegalArgumentException("max must be within 1.." + MAX_PER_CALL);
        String[] claimArgs = {owner, Long.toString(leaseTime.toMillis()), Integer.toString(max),
                Integer.toString(settings.housekeepingLimit())};
        List<Object> out = run(CLAIM, ScriptOutputType.MULTI, claimArgs);
        if (!out.isEmpty() && (Long) out.get(0) < 0) {
            // Redis lost its data: seed the counter from the store, then claim.
            seedFencing();
            out = run(CLAIM, ScriptOutputType.MULTI, claimArgs);
            if (!out.isEmpty() && (Long) out.get(0) < 0) return List.of();
        }
        if (out.isEmpty()) return List.of();
        Instant expires = Instant.ofEpochMilli((Long) out.get(0));
        long first = (Long) out.get(1);
        String batch = Long.toString(first);
        // The records, concatenated: <G:16><deliveries>|<n>|<tenant><n>|<ref><n>|<payload>, lengths in bytes.
        byte[] m = ((String) out.get(2)).getBytes(StandardCharsets.UTF_8);
        List<Lease> leases = new ArrayList<>(max);
        int pos = 0;
        long token = first;
        while (pos < m.length) {
            pos += 16;
            int bar = indexOf(m, pos);
            int deliveries = parseInt(m, pos, bar);
            pos = bar + 1;
            for (int skip = 0; skip < 2; skip++) { // tenant, ref
                bar = indexOf(m, pos);
                pos = bar + 1 + parseInt(m, pos, bar);
            }
            bar = indexOf(m, pos);
            int len = parseInt(m, pos, bar);
            SegmentRef ref = SegmentRefCodec.read(new String(m, bar + 1, len, StandardCharsets.UTF_8));
            pos = bar + 1 + len;
            leases.add(new Lease(ref, owner, token, expires, deliveries + 1, batch));
            token++;
        }
        highestIssued.accumulateAndGet(token - 1, Math::max);
        return leases;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == '|') return i;
        throw new IllegalStateException("malformed message record from Redis");
    }

    private static int parseInt(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) n = n * 10 + (b[i] - '0');
        return n;
    }

    // ---- lease end ----------------------------------------------------------------------------------------

    @Override
    public Lease renew(Lease lease, Duration leaseTime) {
        if (leaseTime.toMillis() < 1) throw new IllegalArgumentException("leaseTime must be at least 1 ms");
        List<Object> out = run(RENEW, ScriptOutputType.MULTI, lease.ref().key(), Long.toString(lease.fencingToken()),
                Long.toString(leaseTime.toMillis()), receipt(lease));
        long status = (Long) out.get(0);
        if (status == 1) {
            return new Lease(lease.ref(), lease.owner(), lease.fencingToken(), Instant.ofEpochMilli((Long) out.get(1)),
                    lease.deliveries(), lease.receipt());
        }
        long current = (Long) out.get(1);
        throw new StaleLeaseException(lease.ref().key(), lease.fencingToken(),
                current > lease.fencingToken() ? current : lease.fencingToken() + 1);
    }

    @Override
    public boolean ack(Lease lease) {
        return ackAll(List.of(lease)) == 1;
    }

    /** Acks many leases with one script call per 500; returns how many were still held (stale ones are ignored). */
    public int ackAll(Collection<Lease> leases) {
        int acked = 0;
        List<Lease> chunk = new ArrayList<>(Math.min(leases.size(), MAX_PER_CALL));
        for (Lease l : leases) {
            chunk.add(l);
            if (chunk.size() == MAX_PER_CALL) {
                acked += ackChunk(chunk);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) acked += ackChunk(chunk);
        return acked;
    }

    /** One script call: the leases grouped by batch, run and tenant (the script reads each group's records at once). */
    private int ackChunk(List<Lease> chunk) {
        Map<List<String>, List<Lease>> groups = new LinkedHashMap<>();
        for (Lease l : chunk) {
            groups.computeIfAbsent(List.of(receipt(l), l.ref().runId(), l.ref().tenantId()), k -> new ArrayList<>()).add(l);
        }
        String[] args = new String[groups.size() * 4 + chunk.size() * 2];
        int a = 0;
        for (Map.Entry<List<String>, List<Lease>> g : groups.entrySet()) {
            args[a++] = g.getKey().get(0);
            args[a++] = g.getKey().get(1);
            args[a++] = g.getKey().get(2);
            args[a++] = Integer.toString(g.getValue().size());
            for (Lease l : g.getValue()) {
                args[a++] = l.ref().key();
                args[a++] = Long.toString(l.fencingToken());
            }
        }
        Long n = run(ACK, ScriptOutputType.INTEGER, args);
        return n.intValue();
    }

    /** The claim batch a lease came from (its receipt); empty for a lease not made by this queue. */
    private static String receipt(Lease lease) {
        return lease.receipt() == null ? "" : lease.receipt();
    }

    @Override
    public boolean release(Lease lease, Instant availableAt) {
        Long ok = run(RELEASE, ScriptOutputType.INTEGER, lease.ref().key(), Long.toString(lease.fencingToken()),
                Long.toString(millis(availableAt)), receipt(lease));
        return ok == 1L;
    }

    @Override
        public boolean retryAt(Lease lease, Instant availableAt) {
        Long ok = run(RETRY, ScriptOutputType.INTEGER, lease.ref().key(), Long.toString(lease.fencingToken()),
                Long.toString(millis(availableAt)), receipt(lease));
        return ok == 1L;
    }

    @Override
    public boolean deadLetter(Lease lease, String reason) {
        SegmentRef r = lease.ref();
        Long ok = run(DEAD, ScriptOutputType.INTEGER, r.key(), Long.toString(lease.fencingToken()),
                reason == null ? "" : reason, Long.toString(settings.deadLetterMaxLen()), r.runId(),
                Integer.toString(r.index()), r.scheduleId() == null ? "" : r.scheduleId(), receipt(lease));
        return ok == 1L;
    }

    // ---- housekeeping and views ---------------------------------------------------------------------------

    @Override
    public int reclaimExpired() {
        int limit = settings.housekeepingLimit();
        int total = 0;
        while (true) {
            List<Long> out = run(RECLAIM, ScriptOutputType.MULTI, Integer.toString(limit));
            total += out.get(0).intValue();
            if (out.get(1) == 0L) return total;
        }
    }

    @Override
    public int purgeRun(String runId) {
        Objects.requireNonNull(runId, "runId");
        Long n = run(PURGE, ScriptOutputType.INTEGER, runId);
        return n.intValue();
    }

    @Override
    public List<QueueDepth> depth() {
        List<Object> flat = run(DEPTH, ScriptOutputType.MULTI, Integer.toString(settings.housekeepingLimit()));
        Map<String, long[]> byTenant = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String field = (String) flat.get(i);
            long count = Long.parseLong((String) flat.get(i + 1));
            int bar = field.indexOf('|');
            if (bar < 0) continue;
            int slot = switch (field.substring(0, bar)) {
                case "ready" -> 0;
                case "delayed" -> 1;
                case "leased" -> 2;
                default -> -1;
            };
            if (slot >= 0) byTenant.computeIfAbsent(field.substring(bar + 1), t -> new long[3])[slot] += count;
        }
        List<QueueDepth> out = new ArrayList<>();
        byTenant.forEach((tenant, c) -> {
            if (c[0] + c[1] + c[2] > 0) out.add(new QueueDepth(name(), tenant, c[0], c[1], c[2]));
        });
        return out;
    }

    /** Newest first, read from the dead-letter stream page by page (it is shared by all tenants). */
    @Override
    public List<DeadLetter> deadLetters(String tenantId, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        String before = null;
        while (out.size() < limit) {
            Range<String> range = before == null ? Range.unbounded()
                    : Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(before));
            List<StreamMessage<String, String>> page =
                    guard.call(() -> redis.xrevrange(settings.deadStream(), range, Limit.from(deadLetterPage)));
            for (StreamMessage<String, String> m : page) {
                Map<String, String> b = m.getBody();
                if (tenantId.equals(b.get("tenantId"))) {
                    // Built from the entry's own fields, which are always written, rather than from the payload.
                    String schedule = b.get("scheduleId");
                    SegmentRef ref = new SegmentRef(tenantId, b.get("runId"), Integer.parseInt(b.get("index")),
                            schedule == null || schedule.isEmpty() ? null : schedule);
                    out.add(new DeadLetter(ref, b.get("reason"),
                            Integer.parseInt(b.getOrDefault("deliveries", "0")),
                            Instant.ofEpochMilli(Long.parseLong(b.get("at")))));
                    if (out.size() == limit) break;
                }
            }
            if (page.size() < deadLetterPage) break;
            before = page.get(page.size() - 1).getId();
        }
        return out;
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    private <T> T run(LuaScript script, ScriptOutputType type, String... scriptArgs) {
        return guard.call(() -> script(script, type, scriptArgs));
    }

    /** A script call without the guard (for callers already inside one). */
    private <T> T script(LuaScript script, ScriptOutputType type, String... scriptArgs) {
        String[] args = new String[scriptArgs.length + 3];
        args[0] = settings.keyBase();
        args[1] = settings.group();
        args[2] = ttlMillis;
        System.arraycopy(scriptArgs, 0, args, 3, scriptArgs.length);
        return script.run(redis, type, keys, args);
    }

    /** The stream's group, which only the upgrade from layout 2 reads. */
    private void createGroup() {
        try {
            // From "0": entries added before any node created the group are still delivered.
            redis.xgroupCreate(XReadArgs.StreamOffset.from(settings.stream(), "0"), settings.group(),
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) throw e;
        }
    }

    private static void requireOwner(String owner) {
        if (owner == null || owner.isBlank()) throw new IllegalArgumentException("lease owner is empty");
    }

    /**
     * Redis works in milliseconds. Rounding down keeps "available now" (an instant taken a moment before the
     * script runs, with sub-millisecond digits) ready at once rather than delayed by a fraction of a millisecond.
     */
    private static long millis(Instant at) {
        return at.toEpochMilli();
    }
}
