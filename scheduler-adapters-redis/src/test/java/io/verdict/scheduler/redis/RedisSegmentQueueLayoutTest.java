package io.verdict.scheduler.redis;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.SegmentRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis-side layout operators and other tools rely on (layout 3, see the module README): ready lists of message
 * records with canonical JSON payloads, one lease record per claim batch, idempotency values with a TTL, the
 * dead-letter entry's fields, lock keys with owner and token; and the upgrades from earlier layouts.
 */
class RedisSegmentQueueLayoutTest {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static RedisConnection redis;
    private final String prefix = RedisTestSupport.uniquePrefix();

    @BeforeAll
    static void connect() {
        redis = RedisTestSupport.connect();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @AfterEach
    void deleteKeys() {
        RedisTestSupport.deleteKeys(redis, prefix);
    }

    private RedisCommands<String, String> cmd() {
        return redis.commands();
    }

    /** A message record: G, deliveries, tenant, ref, payload (ASCII only here, so lengths are characters). */
    private static List<String> record(String rec) {
        List<String> out = new ArrayList<>(List.of(rec.substring(0, 16)));
        int bar = rec.indexOf('|', 16);
        out.add(rec.substring(16, bar));
        int pos = bar + 1;
        for (int k = 0; k < 3; k++) {
            bar = rec.indexOf('|', pos);
            int len = Integer.parseInt(rec.substring(pos, bar));
            out.add(rec.substring(bar + 1, bar + 1 + len));
            pos = bar + 1 + len;
        }
        assertThat(pos).as("one record exactly").isEqualTo(rec.length());
        return out;
    }

    private static String recordOf(String g, String deliveries, String tenant, String ref, String payload) {
        return g + deliveries + "|" + tenant.length() + "|" + tenant + ref.length() + "|" + ref + payload.length() + "|"
                + payload;
    }

    private List<String> readyList(String key) {
        return cmd().lrange(key, 0, -1);
    }

    private static List<String> refsOf(List<String> records) {
        return records.stream().map(r -> record(r).get(3)).toList();
    }

    @Test
    void runnerQueueKeepsMessagesAsRecordsInReadyListsAndOneLeaseRecordPerClaim() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        SegmentRef r = new SegmentRef("t1", "run-a", 3, "sched-1");
        queue.enqueue(r, Instant.now());
        String payload = "{\"index\":3,\"runId\":\"run-a\",\"scheduleId\":\"sched-1\",\"tenantId\":\"t1\"}";

        assertThat(cmd().exists(prefix + "scheduler:runner")).as("no stream: ready lists hold the messages").isZero();
        String idemp = base + "idemp:run-a"; // one hash per run, a field per message
        assertThat(cmd().hkeys(idemp)).containsExactly("run-a#3");
        assertThat(cmd().pttl(idemp)).isBetween(Duration.ofDays(6).toMillis(), Duration.ofDays(7).toMillis());
        String g = cmd().hget(idemp, "run-a#3");
        assertThat(g).as("the generation it got when it became ready").matches("\\d{16}");
        assertThat(readyList(base + "ready:run-a")).as("G deliveries|len|tenant len|ref len|canonical payload")
                .containsExactly(recordOf(g, "0", "t1", "run-a#3", payload));

        Lease lease = queue.claim("node-a-w1", LONG).orElseThrow();
        assertThat(lease.receipt()).as("the claim batch, named by its first token")
                .isEqualTo(Long.toString(lease.fencingToken()));
        String batch = base + "lease:" + lease.receipt();
        assertThat(cmd().hgetall(batch)).containsEntry("owner", "node-a-w1")
                .containsEntry("expires", Long.toString(lease.expiresAt().toEpochMilli())).containsEntry("left", "1")
                .containsEntry("g", g).containsEntry("m", recordOf(g, "0", "t1", "run-a#3", payload));
        assertThat(cmd().zscore(base + "lease-batches", lease.receipt()))
                .isEqualTo((double) lease.expiresAt().toEpochMilli());
        assertThat(cmd().hget(idemp, "run-a#3")).as("a claim writes nothing per message").isEqualTo(g);
        assertThat(cmd().exists(base + "ready:run-a")).isZero();

        assertThat(queue.ack(lease)).isTrue();
        assertThat(cmd().exists(idemp, batch)).as("the last ack of a batch drops its record").isZero();
        assertThat(cmd().zcard(base + "lease-batches")).isZero();
        assertThat(cmd().get(base + "layout")).isEqualTo(RedisSegmentQueue.LAYOUT);
    }

    @Test
    void readyEntriesAreListedPerRunWithTenantAndRunIndexesAndARoundRobinCursor() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        queue.enqueue(new SegmentRef("t1", "run-a", 1, null), Instant.now());
        queue.enqueue(new SegmentRef("t2", "run-b", 0, null), Instant.now());

        assertThat(refsOf(readyList(base + "ready:run-a"))).as("a run's ready messages, oldest first")
                .containsExactly("run-a#0", "run-a#1");
        assertThat(cmd().zrange(base + "ready-runs:t1", 0, -1)).containsExactly("run-a");
        assertThat(cmd().zrange(base + "ready-tenants", 0, -1)).containsExactly("t1", "t2");

        Lease first = queue.claim("w1", LONG).orElseThrow();
        Lease second = queue.claim("w1", LONG).orElseThrow();
        assertThat(List.of(first.ref().key(), second.ref().key())).containsExactly("run-a#0", "run-b#0");
        assertThat(cmd().hgetall(base + "cursor")).as("tenant served last, and each tenant's run served last")
                .containsEntry("tenant", "t2").containsEntry("run|t1", "run-a").containsEntry("run|t2", "run-b");
        assertThat(refsOf(readyList(base + "ready:run-a"))).containsExactly("run-a#1");

        // A message put back goes behind its run's other ready messages, with a new generation and a delivery more.
        String before = cmd().hget(base + "idemp:run-a", "run-a#0");
        assertThat(queue.retryAt(first, Instant.now())).isTrue();
        List<String> list = readyList(base + "ready:run-a");
        assertThat(refsOf(list)).containsExactly("run-a#1", "run-a#0");
        assertThat(record(list.get(1)).get(0)).isEqualTo(cmd().hget(base + "idemp:run-a", "run-a#0"))
                .isGreaterThan(before);
        assertThat(record(list.get(1)).get(1)).isEqualTo("1");

        assertThat(queue.purgeRun("run-a")).isEqualTo(2);
        assertThat(cmd().exists(base + "ready:run-a")).as("purge drops the run's ready list").isZero();
        assertThat(queue.claim("w1", LONG)).as("run-b#0 is leased, run-a purged").isEmpty();
        assertThat(cmd().exists(base + "ready-tenants")).as("drained tenants leave lazily, at a claim").isZero();
        assertThat(queue.ack(second)).isTrue();
    }

    @Test
    void aLeaseIsHeldOnlyUnderItsOwnBatchTokenAndGeneration() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        queue.enqueueAll(List.of(new SegmentRef("t1", "run-a", 0, null), new SegmentRef("t1", "run-a", 1, null)),
                Instant.now());
        List<Lease> leases = queue.claimBatch("w1", LONG, 10);
        Lease a = leases.get(0), b = leases.get(1);
        assertThat(b.fencingToken()).isEqualTo(a.fencingToken() + 1);
        Lease otherToken = new Lease(a.ref(), a.owner(), b.fencingToken(), a.expiresAt(), 1, a.receipt());
        Lease otherBatch = new Lease(a.ref(), a.owner(), a.fencingToken(), a.expiresAt(), 1,
                Long.toString(a.fencingToken() + 100));
        Lease noReceipt = new Lease(a.ref(), a.owner(), a.fencingToken(), a.expiresAt(), 1, null);
        assertThat(queue.ack(otherToken)).as("the token of another message of the batch").isFalse();
        assertThat(queue.ack(otherBatch)).isFalse();
        assertThat(queue.ack(noReceipt)).isFalse();
        assertThatThrownBy(() -> queue.renew(otherToken, LONG)).isInstanceOf(StaleLeaseException.class);
        assertThat(queue.retryAt(otherToken, Instant.now())).isFalse();
        assertThat(queue.ackAll(leases)).isEqualTo(2);
    }

    @Test
    void aClaimWritesOneIndexEntryPerBatchAndARenewalGivesTheRefItsOwnLease() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        queue.enqueueAll(List.of(new SegmentRef("t1", "run-a", 0, null), new SegmentRef("t2", "run-b", 0, null)),
                Instant.now());
        List<Lease> leases = queue.claimBatch("w1", LONG, 10);
        assertThat(leases).hasSize(2);
        assertThat(leases).extracting(Lease::receipt).containsOnly(Long.toString(leases.get(0).fencingToken()));

        List<io.lettuce.core.ScoredValue<String>> batches = cmd().zrangeWithScores(base + "lease-batches", 0, -1);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).getValue()).isEqualTo(leases.get(0).receipt());
        assertThat((long) batches.get(0).getScore()).isEqualTo(leases.get(0).expiresAt().toEpochMilli());
        String batch = base + "lease:" + leases.get(0).receipt();
        assertThat(refsOf(List.of(cmd().hget(batch, "m").split("(?=\\d{16}\\d+\\|)")))).as("the batch's records")
                .containsExactly("run-a#0", "run-b#0");
        assertThat(cmd().hget(batch, "left")).isEqualTo("2");
        assertThat(cmd().zcard(base + "leases")).as("no member per message").isZero();
        assertThat(cmd().hlen(base + "holders")).isZero();

        Lease renewed = queue.renew(leases.get(0), LONG.plusMinutes(1));
        assertThat(cmd().zscore(base + "leases", "run-a#0")).isEqualTo((double) renewed.expiresAt().toEpochMilli());
        String g = cmd().hget(base + "idemp:run-a", "run-a#0");
        assertThat(cmd().hget(base + "holders", "run-a#0")).as("L<token>|<expires>|<batch>|<len(owner)>|<owner><record>")
                .isEqualTo("L" + renewed.fencingToken() + "|" + renewed.expiresAt().toEpochMilli() + "|"
                        + leases.get(0).receipt() + "|2|w1" + recordOf(g, "0", "t1", "run-a#0",
                        "{\"index\":0,\"runId\":\"run-a\",\"tenantId\":\"t1\"}"));
        assertThat(queue.ackAll(leases)).isEqualTo(2);
        assertThat(cmd().hlen(base + "holders")).isZero();
        assertThat(cmd().zcard(base + "leases")).isZero();
        assertThat(cmd().exists(batch)).isZero();
    }

    @Test
    void aDueBatchReclaimsOnlyMessagesNeitherAckedNorRenewed() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        for (int i = 0; i < 4; i++) queue.enqueue(new SegmentRef("t1", "run-a", i, null), Instant.now());
        queue.enqueue(new SegmentRef("t1", "run-b", 0, null), Instant.now());
        Map<String, Lease> leases = new java.util.HashMap<>();
        for (Lease l : queue.claimBatch("w1", LONG, 5)) leases.put(l.ref().key(), l);
        assertThat(leases).hasSize(5);
        Lease renewed = queue.renew(leases.get("run-a#0"), LONG);
        assertThat(queue.ack(leases.get("run-a#1"))).isTrue();
        List<String> due = List.of("run-a#2", "run-a#3", "run-b#0");
        // Let the batch fall due without waiting (its index entry at 1 ms); the renewed lease has its own expiry.
        cmd().zadd(base + "lease-batches", 1, leases.get("run-a#0").receipt());

        assertThat(queue.reclaimExpired()).as("neither the renewed nor the acked one").isEqualTo(3);
        assertThat(cmd().zcard(base + "lease-batches")).isZero();
        assertThat(cmd().exists(base + "lease:" + renewed.receipt())).as("a reclaimed batch's record goes").isZero();
        assertThat(cmd().zrange(base + "leases", 0, -1)).containsExactly(renewed.ref().key());
        assertThat(queue.ack(leases.get("run-a#2"))).isFalse();
        List<Lease> again = queue.claimBatch("w2", LONG, 10);
        assertThat(again).extracting(l -> l.ref().key()).containsExactlyInAnyOrderElementsOf(due);
        assertThat(again).extracting(Lease::deliveries).containsOnly(2);
        assertThat(queue.reclaimExpired()).isZero();
        assertThat(queue.ack(renewed)).as("the renewed lease outlives its batch's record").isTrue();
        assertThat(queue.ackAll(again)).isEqualTo(3);
        assertThat(queue.depth()).isEmpty();
    }

    // ---- upgrades: data written the way earlier layouts did, with raw commands ----------------------------------

    private String oldEntry(SegmentRef r, String deliveries) {
        return cmd().xadd(prefix + "scheduler:runner", Map.of("ref", r.key(), "tenant", r.tenantId(),
                "payload", SegmentRefCodec.write(r), "deliveries", deliveries));
    }

    private void oldGroup() {
        cmd().xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(prefix + "scheduler:runner", "0"),
                "scheduler-runners", io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
    }

    private static String oldWaiting(String deliveries, String entry, String tenant) {
        return "stream|" + deliveries + "|" + entry + "|" + tenant.length() + "|" + tenant;
    }

    @Test
    void readyEntriesLeftByAVersionWithoutFairShareAreAdoptedOnceAtStart() {
        String base = prefix + "scheduler:runner:";
        oldGroup();
        // What that layout leaves: stream entries never delivered to the group and idempotency records, no ready lists.
        for (SegmentRef r : List.of(new SegmentRef("t1", "run-a", 0, null), new SegmentRef("t1", "run-a", 1, null),
                new SegmentRef("t2", "run-b", 0, null))) {
            cmd().hset(base + "idemp:" + r.runId(), r.key(), oldWaiting("0", oldEntry(r, "0"), r.tenantId()));
            cmd().hincrby(base + "backlog", "ready|" + r.tenantId(), 1);
        }
        cmd().set(base + "fencing", "0");

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        assertThat(refsOf(readyList(base + "ready:run-a"))).containsExactly("run-a#0", "run-a#1");
        assertThat(cmd().exists(prefix + "scheduler:runner")).as("the stream went with the upgrade").isZero();
        assertThat(new RedisSegmentQueue(redis, prefix).adoptEntriesOfAnEarlierLayout())
                .as("adopted once: a second start lists nothing twice").isZero();
        assertThat(refsOf(readyList(base + "ready:run-a"))).hasSize(2);
        List<Lease> got = upgraded.claimBatch("w1", LONG, 10);
        assertThat(got).extracting(l -> l.ref().key()).containsExactly("run-a#0", "run-b#0", "run-a#1");
        assertThat(upgraded.ackAll(got)).isEqualTo(3);
        assertThat(upgraded.depth()).isEmpty();
    }

    @Test
    void entriesAnEarlierAdoptionLeftPendingAreReleasedAtStart() {
        String base = prefix + "scheduler:runner:";
        String stream = prefix + "scheduler:runner";
        oldGroup();
        List<SegmentRef> refs = List.of(new SegmentRef("t1", "run-a", 0, null), new SegmentRef("t2", "run-b", 0, null));
        for (SegmentRef r : refs) {
            String id = oldEntry(r, "0");
            cmd().hset(base + "idemp:" + r.runId(), r.key(), oldWaiting("0", id, r.tenantId()));
            cmd().rpush(base + "ready:" + r.runId(), id); // listed as a bare entry ID
            cmd().zadd(base + "ready-runs:" + r.tenantId(), 0, r.runId());
            cmd().zadd(base + "ready-tenants", 0, r.tenantId());
            cmd().hincrby(base + "backlog", "ready|" + r.tenantId(), 1);
        }
        cmd().set(base + "fair", "1");
        cmd().set(base + "layout", "2");
        cmd().set(base + "fencing", "0");
        // Earlier versions adopted into the pending list under '~adopt' and claimed from there. (Their nodes are
        // stopped before new ones start, as for every upgrade of this queue.)
        cmd().xreadgroup(io.lettuce.core.Consumer.from("scheduler-runners", "~adopt"),
                io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        List<Lease> got = upgraded.claimBatch("w1", LONG, 10);
        assertThat(got).extracting(l -> l.ref().key()).containsExactly("run-a#0", "run-b#0");
        assertThat(upgraded.ackAll(got)).isEqualTo(2);
        assertThat(cmd().exists(stream)).isZero();
    }

    /**
     * Upgrade from the layout with one idempotency key per message ({@code idemp:<ref>} strings, {@code run:<runId>}
     * sets) and bare entry IDs in the ready lists: a ready and a delayed message survive both upgrades.
     */
    @Test
    void messagesLeftInTheLayoutWithAKeyPerMessageSurviveTheUpgrade() throws Exception {
        String base = prefix + "scheduler:runner:";
        oldGroup();
        SegmentRef ready = new SegmentRef("t1", "run-a", 1, "s"), delayed = new SegmentRef("t1", "run-a", 2, null);
        String id = oldEntry(ready, "0");
        cmd().psetex(base + "idemp:" + ready.key(), Duration.ofDays(7).toMillis(), oldWaiting("0", id, "t1"));
        cmd().psetex(base + "idemp:" + delayed.key(), Duration.ofDays(7).toMillis(),
                "delayed|0||2|t1" + SegmentRefCodec.write(delayed));
        cmd().sadd(base + "run:run-a", ready.key(), delayed.key());
        cmd().zadd(base + "delayed", Instant.now().plusMillis(300).toEpochMilli(), delayed.key());
        cmd().rpush(base + "ready:run-a", id);
        cmd().zadd(base + "ready-runs:t1", 0, "run-a");
        cmd().zadd(base + "ready-tenants", 0, "t1");
        cmd().hset(base + "backlog", Map.of("ready|t1", "1", "delayed|t1", "1"));
        cmd().set(base + "fair", "1");
        cmd().set(base + "fencing", "0");

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        assertThat(cmd().hkeys(base + "idemp:run-a")).containsExactlyInAnyOrder(ready.key(), delayed.key());
        assertThat(cmd().pttl(base + "idemp:run-a")).isGreaterThan(Duration.ofDays(6).toMillis());
        assertThat(cmd().exists(base + "run:run-a", base + "idemp:run-a#1", base + "idemp:run-a#2"))
                .as("old keys gone").isZero();
        assertThat(cmd().get(base + "layout")).isEqualTo(RedisSegmentQueue.LAYOUT);
        assertThat(upgraded.migrateIdempotencyKeys()).as("once").isZero();
        assertThat(upgraded.migrateToLayout3()).as("once").isZero();
        assertThat(upgraded.enqueueAll(List.of(ready, delayed), Instant.now())).as("still idempotent").isZero();

        Lease first = upgraded.claim("w1", LONG).orElseThrow();
        assertThat(first.ref()).as("a bare entry ID in a ready list is still claimed").isEqualTo(ready);
        assertThat(upgraded.ack(first)).isTrue();
        Thread.sleep(350);
        Lease second = upgraded.claim("w1", LONG).orElseThrow();
        assertThat(second.ref()).as("the delayed payload came over").isEqualTo(delayed);
        assertThat(upgraded.ack(second)).isTrue();
        assertThat(upgraded.depth()).isEmpty();
        assertThat(cmd().exists(base + "idemp:run-a")).isZero();
    }

    /**
     * Upgrade from layout 2 (messages in the stream, a lease per message): ready messages keep their run order and
     * deliveries, a delayed one its window, a lease an old node still holds can be acked with its old lease, and an
     * expired one is reclaimed.
     */
    @Test
    void messagesLeftByLayoutTwoComeThroughTheUpgrade() throws Exception {
        String base = prefix + "scheduler:runner:";
        String stream = prefix + "scheduler:runner";
        oldGroup();
        cmd().set(base + "fair", "1");
        cmd().set(base + "layout", "2");
        cmd().set(base + "fencing", "41");
        SegmentRef held = new SegmentRef("t1", "run-a", 0, null), expired = new SegmentRef("t1", "run-a", 1, null),
                ready = new SegmentRef("t1", "run-a", 2, "s"), other = new SegmentRef("t2", "run-b", 0, null),
                delayed = new SegmentRef("t1", "run-a", 3, null);
        long now = Instant.now().toEpochMilli();
        // Ready: a MessagePack element (entry, deliveries, tenant, ref, payload), and a bare entry ID.
        String readyId = oldEntry(ready, "1");
        cmd().hset(base + "idemp:run-a", ready.key(), oldWaiting("1", readyId, "t1"));
        cmd().eval("return redis.call('RPUSH', KEYS[1], cmsgpack.pack(ARGV[1], '1', 't1', ARGV[2], ARGV[3]))",
                io.lettuce.core.ScriptOutputType.INTEGER, new String[] {base + "ready:run-a"}, readyId, ready.key(),
                SegmentRefCodec.write(ready));
        String otherId = oldEntry(other, "0");
        cmd().hset(base + "idemp:run-b", other.key(), oldWaiting("0", otherId, "t2"));
        cmd().rpush(base + "ready:run-b", otherId);
        cmd().zadd(base + "ready-runs:t1", 0, "run-a");
        cmd().zadd(base + "ready-runs:t2", 0, "run-b");
        cmd().zadd(base + "ready-tenants", 0, "t1");
        cmd().zadd(base + "ready-tenants", 0, "t2");
        // Leased by an old node: pending in the group, a lease in holders (token|deliveries|expires|entry|..|tenant owner),
        // indexed by a MessagePack batch member or by a member per ref.
        String heldId = oldEntry(held, "0"), expiredId = oldEntry(expired, "1");
        cmd().xreadgroup(io.lettuce.core.Consumer.from("scheduler-runners", "old-node"),
                io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));
        long heldUntil = now + LONG.toMillis();
        cmd().hset(base + "idemp:run-a", Map.of(held.key(), oldWaiting("0", heldId, "t1"),
                expired.key(), oldWaiting("1", expiredId, "t1"),
                delayed.key(), "delayed|0||2|t1" + SegmentRefCodec.write(delayed)));
        cmd().hset(base + "holders", Map.of(held.key(), "40|1|" + heldUntil + "|" + heldId + "|2|t1old-node",
                expired.key(), "41|2|" + (now - 1000) + "|" + expiredId + "|2|t1old-node"));
        cmd().eval("return redis.call('ZADD', KEYS[1], ARGV[1], cmsgpack.pack('40', ARGV[2]))",
                io.lettuce.core.ScriptOutputType.INTEGER, new String[] {base + "lease-batches"},
                Long.toString(heldUntil), held.key());
        cmd().zadd(base + "leases", now - 1000, expired.key());
        cmd().zadd(base + "delayed", now + 300, delayed.key());
        cmd().hset(base + "backlog", Map.of("ready|t1", "1", "ready|t2", "1", "leased|t1", "2", "delayed|t1", "1"));

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        assertThat(cmd().exists(stream)).as("stream and group gone").isZero();
        assertThat(cmd().zcard(base + "lease-batches")).as("the old batch member went; its lease has its own").isZero();
        assertThat(cmd().zrange(base + "leases", 0, -1)).containsExactly(expired.key(), held.key());
        assertThat(cmd().hget(base + "holders", held.key())).startsWith("L40|" + heldUntil + "||8|old-node");
        assertThat(upgraded.migrateToLayout3()).as("once").isZero();
        assertThat(upgraded.enqueueAll(List.of(held, expired, ready, other, delayed), Instant.now()))
                .as("still idempotent").isZero();

        List<Lease> got = upgraded.claimBatch("w1", LONG, 10); // reclaims the expired lease first
        assertThat(got).extracting(l -> l.ref().key() + "@" + l.deliveries())
                .containsExactly("run-a#2@2", "run-b#0@1", "run-a#1@3");
        assertThat(got.get(2).fencingToken()).isGreaterThan(41);
        Lease old = new Lease(held, "old-node", 40, Instant.ofEpochMilli(heldUntil), 1, heldId);
        assertThat(upgraded.ack(new Lease(held, "old-node", 39, old.expiresAt(), 1, heldId))).isFalse();
        assertThat(upgraded.ack(old)).as("its holder may still finish it").isTrue();
        assertThat(upgraded.ackAll(got)).isEqualTo(3);
        Thread.sleep(350);
        Lease late = upgraded.claim("w1", LONG).orElseThrow();
        assertThat(late.ref()).isEqualTo(delayed);
        assertThat(upgraded.ack(late)).isTrue();
        assertThat(upgraded.depth()).isEmpty();
        assertThat(cmd().exists(base + "idemp:run-a", base + "idemp:run-b", base + "holders", base + "leases")).isZero();
    }

    @Test
    void plannerQueueHasItsOwnKeys() {
        RedisSegmentQueue planner = new RedisSegmentQueue(redis, RedisQueueSettings.planner(prefix));
        RedisSegmentQueue runner = new RedisSegmentQueue(redis, prefix);
        planner.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());

        assertThat(planner.name()).isEqualTo("planner");
        assertThat(cmd().llen(prefix + "scheduler:planner:ready:run-a")).isEqualTo(1L);
        assertThat(cmd().exists(prefix + "scheduler:runner:ready:run-a")).isZero();
        assertThat(runner.claim("w", LONG)).as("queues are separate").isEmpty();
        assertThat(planner.claim("w", LONG)).isPresent();
    }

    @Test
    void deadLetterEntriesCarryRunScheduleAndReason() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        queue.enqueue(new SegmentRef("t1", "run-a", 2, "sched-1"), Instant.now());
        Lease lease = queue.claim("w", LONG).orElseThrow();
        assertThat(queue.deadLetter(lease, "ERR_RUN_006: attempts exhausted")).isTrue();

        List<StreamMessage<String, String>> dead = cmd().xrange(prefix + "scheduler:runner:dead", Range.unbounded());
        assertThat(dead).hasSize(1);
        Map<String, String> body = dead.get(0).getBody();
        assertThat(body).containsEntry("runId", "run-a").containsEntry("scheduleId", "sched-1")
                .containsEntry("index", "2").containsEntry("tenantId", "t1")
                .containsEntry("reason", "ERR_RUN_006: attempts exhausted").containsEntry("deliveries", "1");
    }

    @Test
    void deadLettersAreReadPageByPageAcrossTenants() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        queue.deadLetterPage = 2;
        List<SegmentRef> refs = new ArrayList<>();
        for (int i = 0; i < 7; i++) refs.add(new SegmentRef(i % 3 == 0 ? "t1" : "t2", "run-a", i, null));
        queue.enqueueAll(refs, Instant.now());
        for (int i = 0; i < 7; i++) queue.deadLetter(queue.claim("w", LONG).orElseThrow(), "reason " + i);

        assertThat(queue.deadLetters("t1", 10)).extracting(DeadLetter::reason)
                .containsExactly("reason 6", "reason 3", "reason 0");
        assertThat(queue.deadLetters("t2", 3)).extracting(DeadLetter::reason)
                .containsExactly("reason 5", "reason 4", "reason 2");
    }

    @Test
    void waitingMessagesKeepTheirIdempotencyKeyForTheWholeWait() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis,
                RedisQueueSettings.runner(prefix).withIdempotencyTtl(Duration.ofHours(1)));
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now().plus(Duration.ofDays(2)));
        String idemp = prefix + "scheduler:runner:idemp:run-a";
        assertThat(cmd().pttl(idemp)).isGreaterThan(Duration.ofDays(2).toMillis());
        assertThat(cmd().hget(idemp, "run-a#0")).as("a delayed message keeps its record in its idempotency value")
                .isEqualTo("@" + recordOf("", "0", "t1", "run-a#0", "{\"index\":0,\"runId\":\"run-a\",\"tenantId\":\"t1\"}"));
    }

    @Test
    void aClaimKeepsItsRunsIdempotencyRecordsAliveForTheLease() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis,
                RedisQueueSettings.runner(prefix).withIdempotencyTtl(Duration.ofHours(1)));
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        String idemp = prefix + "scheduler:runner:idemp:run-a";
        cmd().pexpire(idemp, 10_000); // a message that waited almost as long as the idempotency TTL
        Lease lease = queue.claim("w", LONG).orElseThrow();
        assertThat(cmd().pttl(idemp)).as("the lease is checked against it").isGreaterThan(LONG.toMillis());
        assertThat(queue.ack(lease)).isTrue();
    }

    @Test
    void largeFencingTokensSurviveTheScriptsExactly() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        cmd().set(prefix + "scheduler:runner:fencing", "123456789012345");
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        Lease lease = queue.claim("w", LONG).orElseThrow();
        assertThat(lease.fencingToken()).isEqualTo(123456789012346L);
        assertThat(queue.renew(lease, LONG).fencingToken()).isEqualTo(123456789012346L);
        assertThat(queue.ack(lease)).isTrue();

        RedisLockService locks = new RedisLockService(redis, prefix);
        cmd().set(prefix + "scheduler:lock:fencing", "123456789012345");
        LockLease held = locks.tryAcquire("planner:t1", "node-a", LONG).orElseThrow();
        assertThat(held.fencingToken()).isEqualTo(123456789012346L);
        assertThat(locks.release(held)).isTrue();
    }

    @Test
    void lockKeyHoldsOwnerAndTokenAndExpiresInRedis() {
        RedisLockService locks = new RedisLockService(redis, prefix);
        LockLease held = locks.tryAcquire("planner:t1", "node \"a\"", Duration.ofSeconds(30)).orElseThrow();
        String key = prefix + "scheduler:lock:planner:t1";
        assertThat(cmd().get(key)).isEqualTo("{\"owner\":\"node \\\"a\\\"\",\"token\":" + held.fencingToken() + "}");
        assertThat(cmd().pttl(key)).isBetween(1L, 30_000L);
        assertThat(locks.release(held)).isTrue();
        assertThat(cmd().exists(key)).isZero();
        assertThatThrownBy(() -> locks.tryAcquire("fencing", "node-a", LONG))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchesLargerThanOneScriptCallAreSplitAndStayConsistent() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        List<SegmentRef> big = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) big.add(new SegmentRef("t1", "run-big", i, null));
        assertThat(queue.enqueueAll(big, Instant.now())).isEqualTo(1_200);
        assertThat(queue.enqueueAll(big, Instant.now())).isZero();

        List<Lease> leases = new ArrayList<>(queue.claimBatch("w", LONG, 500));
        leases.addAll(queue.claimBatch("w", LONG, 500));
        assertThat(leases).extracting(l -> l.ref().index()).doesNotHaveDuplicates().hasSize(1_000);
        assertThat(queue.ackAll(leases)).isEqualTo(1_000);
        assertThat(queue.ackAll(leases)).as("acked twice").isZero();
        queue.enqueue(big.get(0), Instant.now());
        Lease again = queue.claim("w", LONG).orElseThrow();
        assertThat(queue.ackAll(List.of(again, again))).as("one lease twice in a batch").isEqualTo(1);

        queue.enqueueAll(big, Instant.now().plus(Duration.ofHours(1)));
        assertThat(queue.purgeRun("run-big")).as("200 ready and 1,000 re-queued for later").isEqualTo(1_200);
        assertThat(queue.depth()).isEmpty();
        assertThat(RedisTestSupport.keys(redis, prefix + "scheduler:runner:idemp:")).isEmpty();
    }
}
