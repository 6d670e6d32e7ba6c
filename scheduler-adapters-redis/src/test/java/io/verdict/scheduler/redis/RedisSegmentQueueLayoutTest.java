package io.verdict.scheduler.redis;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
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
 * The Redis-side layout operators and other tools rely on (SPEC §11): stream and group names, canonical JSON
 * payloads, the dead-letter entry's fields, idempotency keys with a TTL, lock keys with owner and token.
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

    @Test
    void runnerQueueIsAStreamWithTheRunnersGroupAndCanonicalPayloads() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        queue.enqueue(new SegmentRef("t1", "run-a", 3, "sched-1"), Instant.now());

        List<StreamMessage<String, String>> entries = cmd().xrange(prefix + "scheduler:runner", Range.unbounded());
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getBody()).containsEntry("payload",
                "{\"index\":3,\"runId\":\"run-a\",\"scheduleId\":\"sched-1\",\"tenantId\":\"t1\"}");
        assertThat(cmd().xinfoGroups(prefix + "scheduler:runner").toString()).contains("scheduler-runners");

        String idemp = prefix + "scheduler:runner:idemp:run-a"; // one hash per run, a field per message
        assertThat(cmd().hkeys(idemp)).containsExactly("run-a#3");
        assertThat(cmd().pttl(idemp)).isBetween(Duration.ofDays(6).toMillis(), Duration.ofDays(7).toMillis());
        assertThat(cmd().hget(idemp, "run-a#3")).as("where|deliveries|entry|tenant length|tenant")
                .isEqualTo("stream|0|" + entries.get(0).getId() + "|2|t1");

        Lease lease = queue.claim("node-a-w1", LONG).orElseThrow();
        assertThat(cmd().hget(prefix + "scheduler:runner:holders", "run-a#3"))
                .as("token|deliveries|expires|entry|tenant length|tenant owner")
                .isEqualTo(lease.fencingToken() + "|1|" + lease.expiresAt().toEpochMilli() + "|" + lease.receipt()
                        + "|2|t1node-a-w1");
        assertThat(cmd().xpending(prefix + "scheduler:runner", "scheduler-runners").getConsumerMessageCount())
                .as("a leased message is pending under its holder's name").containsEntry("node-a-w1", 1L);
        assertThat(queue.ack(lease)).isTrue();
        assertThat(cmd().exists(idemp)).isZero();
        assertThat(cmd().xlen(prefix + "scheduler:runner")).as("acked entries leave the stream").isZero();
    }

    @Test
    void readyEntriesAreListedPerRunWithTenantAndRunIndexesAndARoundRobinCursor() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        queue.enqueue(new SegmentRef("t1", "run-a", 1, null), Instant.now());
        queue.enqueue(new SegmentRef("t2", "run-b", 0, null), Instant.now());
        List<String> ids = cmd().xrange(prefix + "scheduler:runner", Range.unbounded()).stream()
                .map(StreamMessage::getId).toList();

        assertThat(entryIds(readyList(base + "ready:run-a"))).as("a run's ready entries, oldest first")
                .containsExactly(ids.get(0), ids.get(1));
        assertThat(readyList(base + "ready:run-a").get(0))
                .as("MessagePack entry, deliveries, tenant, ref, payload: a claim needs no stream read")
                .isEqualTo(ids.get(0) + "|0|t1|run-a#0|{\"index\":0,\"runId\":\"run-a\",\"tenantId\":\"t1\"}");
        assertThat(cmd().zrange(base + "ready-runs:t1", 0, -1)).containsExactly("run-a");
        assertThat(cmd().zrange(base + "ready-tenants", 0, -1)).containsExactly("t1", "t2");

        Lease first = queue.claim("w1", LONG).orElseThrow();
        Lease second = queue.claim("w1", LONG).orElseThrow();
        assertThat(List.of(first.ref().key(), second.ref().key())).containsExactly("run-a#0", "run-b#0");
        assertThat(cmd().hgetall(base + "cursor")).as("tenant served last, and each tenant's run served last")
                .containsEntry("tenant", "t2").containsEntry("run|t1", "run-a").containsEntry("run|t2", "run-b");
        assertThat(entryIds(readyList(base + "ready:run-a"))).containsExactly(ids.get(1));

        // A message put back goes behind its run's other ready entries.
        assertThat(queue.retryAt(first, Instant.now())).isTrue();
        assertThat(entryIds(readyList(base + "ready:run-a"))).hasSize(2).startsWith(ids.get(1));

        assertThat(queue.purgeRun("run-a")).isEqualTo(2);
        assertThat(cmd().exists(base + "ready:run-a")).as("purge drops the run's ready list").isZero();
        assertThat(queue.claim("w1", LONG)).as("run-b#0 is leased, run-a purged").isEmpty();
        assertThat(cmd().exists(base + "ready-tenants")).as("drained tenants leave lazily, at a claim").isZero();
        assertThat(queue.ack(second)).isTrue();
    }

    @Test
    void aStreamLostWithoutItsReadyListsNeitherLosesNorBlocksWhatIsEnqueuedAfterwards() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        SegmentRef lost = new SegmentRef("t1", "run-a", 0, null);
        queue.enqueue(lost, Instant.now());
        cmd().del(prefix + "scheduler:runner"); // stream and group gone; ready list, cursor and counter remain
        SegmentRef later = new SegmentRef("t1", "run-0", 0, null); // sorts first: picked first
        queue.enqueue(later, Instant.now()); // re-creates the stream, without the group

        // The first pick (run-0's entry) fails for want of a group: it goes back to its list (a script error would
        // keep the pop and lose it), the group is recreated, the lost run-a entry is skipped and run-0's handed out.
        Lease lease = queue.claim("w1", LONG).orElseThrow();
        assertThat(lease.ref()).isEqualTo(later);
        assertThat(cmd().xpending(prefix + "scheduler:runner", "scheduler-runners").getConsumerMessageCount())
                .containsEntry("w1", 1L);
        assertThat(queue.ack(lease)).isTrue();
        assertThat(queue.claim("w1", LONG)).as("the lost entry is not handed out").isEmpty();
    }

    @Test
    void readyEntriesLeftByAVersionWithoutFairShareAreAdoptedOnceAtStart() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        queue.enqueue(new SegmentRef("t1", "run-a", 1, null), Instant.now());
        queue.enqueue(new SegmentRef("t2", "run-b", 0, null), Instant.now());
        // What the earlier layout leaves: stream entries never delivered and idempotency keys, no ready lists.
        cmd().del(base + "ready:run-a", base + "ready:run-b", base + "ready-runs:t1", base + "ready-runs:t2",
                base + "ready-tenants", base + "fair");
        assertThat(queue.claim("w1", LONG)).as("not listed: not claimable").isEmpty();

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        assertThat(readyList(base + "ready:run-a")).hasSize(2);
        assertThat(new RedisSegmentQueue(redis, prefix).adoptEntriesOfAnEarlierLayout())
                .as("adopted once: a second start lists nothing twice").isZero();
        List<String> order = new ArrayList<>();
        for (Lease l : upgraded.claimBatch("w1", LONG, 10)) order.add(l.ref().key());
        assertThat(order).containsExactly("run-a#0", "run-b#0", "run-a#1");
    }

    /**
     * Upgrade from the layout with one idempotency key per message ({@code idemp:<ref>} strings, {@code run:<runId>}
     * sets) and bare entry IDs in the ready lists: a leased, a ready and a delayed message all survive it.
     */
    @Test
    void messagesLeftInTheLayoutWithAKeyPerMessageSurviveTheUpgrade() throws Exception {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        SegmentRef leased = new SegmentRef("t1", "run-a", 0, null), ready = new SegmentRef("t1", "run-a", 1, "s"),
                delayed = new SegmentRef("t1", "run-a", 2, null);
        queue.enqueue(leased, Instant.now());
        Lease held = queue.claim("w1", LONG).orElseThrow();
        queue.enqueue(ready, Instant.now());
        queue.enqueue(delayed, Instant.now().plusMillis(300));
        // Rewrite into the earlier layout.
        Map<String, String> records = cmd().hgetall(base + "idemp:run-a");
        assertThat(records).hasSize(3);
        records.forEach((ref, value) -> {
            cmd().psetex(base + "idemp:" + ref, Duration.ofDays(7).toMillis(), value);
            cmd().sadd(base + "run:run-a", ref);
        });
        List<String> elements = readyList(base + "ready:run-a");
        cmd().del(base + "idemp:run-a", base + "ready:run-a", base + "layout");
        for (String id : entryIds(elements)) cmd().rpush(base + "ready:run-a", id);

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        assertThat(cmd().hgetall(base + "idemp:run-a")).isEqualTo(records);
        assertThat(cmd().pttl(base + "idemp:run-a")).isGreaterThan(Duration.ofDays(6).toMillis());
        assertThat(cmd().exists(base + "run:run-a", base + "idemp:run-a#0", base + "idemp:run-a#1",
                base + "idemp:run-a#2")).as("old keys gone").isZero();
        assertThat(cmd().get(base + "layout")).isEqualTo(RedisSegmentQueue.LAYOUT);
        assertThat(upgraded.migrateIdempotencyKeys()).as("once").isZero();
        assertThat(upgraded.enqueueAll(List.of(leased, ready, delayed), Instant.now())).as("still idempotent").isZero();

        Lease second = upgraded.claim("w1", LONG).orElseThrow();
        assertThat(second.ref()).as("a bare entry ID in a ready list is still claimed").isEqualTo(ready);
        assertThat(upgraded.ack(held)).isTrue();
        assertThat(upgraded.ack(second)).isTrue();
        Thread.sleep(350);
        Lease third = upgraded.claim("w1", LONG).orElseThrow();
        assertThat(third.ref()).as("the delayed payload came over").isEqualTo(delayed);
        assertThat(upgraded.ack(third)).isTrue();
        assertThat(upgraded.depth()).isEmpty();
        assertThat(cmd().exists(base + "idemp:run-a")).isZero();
    }

    @Test
    void aClaimIndexesItsBatchOnceAndARenewalIndexesTheRef() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String base = prefix + "scheduler:runner:";
        queue.enqueueAll(List.of(new SegmentRef("t1", "run-a", 0, null), new SegmentRef("t2", "run-b", 0, null)),
                Instant.now());
        List<Lease> leases = queue.claimBatch("w1", LONG, 10);
        assertThat(leases).hasSize(2);

        List<io.lettuce.core.ScoredValue<String>> batches = cmd().zrangeWithScores(base + "lease-batches", 0, -1);
        assertThat(batches).hasSize(1);
        assertThat((long) batches.get(0).getScore()).isEqualTo(leases.get(0).expiresAt().toEpochMilli());
        assertThat(cmd().eval("return {cmsgpack.unpack(redis.call('ZRANGE', KEYS[1], 0, 0)[1])}",
                io.lettuce.core.ScriptOutputType.MULTI, base + "lease-batches").toString())
                .as("first token, then the refs").isEqualTo(List.of(Long.toString(leases.get(0).fencingToken()),
                        leases.get(0).ref().key(), leases.get(1).ref().key()).toString());
        assertThat(cmd().zcard(base + "leases")).as("no member per message").isZero();

        Lease renewed = queue.renew(leases.get(0), LONG.plusMinutes(1));
        assertThat(cmd().zscore(base + "leases", "run-a#0")).isEqualTo((double) renewed.expiresAt().toEpochMilli());
        assertThat(queue.ackAll(leases)).isEqualTo(2);
        assertThat(cmd().hlen(base + "holders")).isZero();
    }

    @Test
    void dueIndexEntriesReclaimOnlyLeasesWhoseOwnExpiryPassed() {
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
        // Let the batch fall due without waiting: its index entry, and the leases not renewed, expired at 1 ms;
        // run-b#0 is indexed the way the earlier layout did instead: a member per ref in the leases zset.
        cmd().eval("""
                local m = redis.call('ZRANGE', KEYS[1], 0, -1)[1]
                local kept = {}
                for _, r in ipairs({cmsgpack.unpack(m)}) do if r ~= 'run-b#0' then kept[#kept + 1] = r end end
                redis.call('ZREM', KEYS[1], m)
                redis.call('ZADD', KEYS[1], 1, cmsgpack.pack(unpack(kept)))
                redis.call('ZADD', KEYS[3], 1, 'run-b#0')
                for _, r in ipairs(ARGV) do
                  redis.call('HSET', KEYS[2], r, (string.gsub(redis.call('HGET', KEYS[2], r), '^(%d+|%d+|)%d+', '%11')))
                end
                return 'OK'""", io.lettuce.core.ScriptOutputType.STATUS,
                new String[] {base + "lease-batches", base + "holders", base + "leases"}, due.toArray(String[]::new));

        assertThat(queue.reclaimExpired()).as("neither the renewed nor the acked one").isEqualTo(3);
        assertThat(cmd().zcard(base + "lease-batches")).isZero();
        assertThat(cmd().zrange(base + "leases", 0, -1)).containsExactly(renewed.ref().key());
        assertThat(queue.ack(leases.get("run-a#2"))).isFalse();
        assertThat(queue.claimBatch("w2", LONG, 10)).extracting(l -> l.ref().key())
                .containsExactlyInAnyOrderElementsOf(due);
        assertThat(queue.reclaimExpired()).isZero();
        assertThat(queue.ack(renewed)).isTrue();
    }

    @Test
    void anEntryAlreadyPendingInTheGroupIsNeverHandedOutAgain() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String stream = prefix + "scheduler:runner";
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        // An old version's node reading the group (it hands out by stream order).
        cmd().xreadgroup(io.lettuce.core.Consumer.from("scheduler-runners", "old-node"),
                io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));
        assertThat(queue.claim("w1", LONG)).isEmpty();
        assertThat(cmd().xpending(stream, "scheduler-runners").getConsumerMessageCount())
                .containsOnlyKeys("old-node");
    }

    @Test
    void entriesAnEarlierAdoptionLeftPendingAreReleasedAtStart() {
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, prefix);
        String stream = prefix + "scheduler:runner";
        queue.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());
        queue.enqueue(new SegmentRef("t2", "run-b", 0, null), Instant.now());
        // Earlier versions adopted into the pending list under '~adopt' and claimed from there. (Their nodes are
        // stopped before new ones start, as for every upgrade of this queue: a new node releases them at start.)
        cmd().xreadgroup(io.lettuce.core.Consumer.from("scheduler-runners", "~adopt"),
                io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));

        RedisSegmentQueue upgraded = new RedisSegmentQueue(redis, prefix);
        assertThat(upgraded.claimBatch("w1", LONG, 10)).extracting(l -> l.ref().key())
                .containsExactly("run-a#0", "run-b#0");
        assertThat(cmd().xpending(stream, "scheduler-runners").getConsumerMessageCount()).containsOnlyKeys("w1");
    }

    /** A ready list with each MessagePack element shown as {@code entry|deliveries|tenant|ref|payload}. */
    private List<String> readyList(String key) {
        return cmd().eval("""
                local out = {}
                for i, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
                  local b = string.byte(v, 1)
                  if b >= 48 and b <= 57 then out[i] = v
                  else out[i] = table.concat({ cmsgpack.unpack(v) }, '|') end
                end
                return out""", io.lettuce.core.ScriptOutputType.MULTI, key);
    }

    private static List<String> entryIds(List<String> elements) {
        return elements.stream().map(e -> e.contains("|") ? e.substring(0, e.indexOf('|')) : e).toList();
    }

    @Test
    void plannerQueueHasItsOwnStreamAndGroup() {
        RedisSegmentQueue planner = new RedisSegmentQueue(redis, RedisQueueSettings.planner(prefix));
        RedisSegmentQueue runner = new RedisSegmentQueue(redis, prefix);
        planner.enqueue(new SegmentRef("t1", "run-a", 0, null), Instant.now());

        assertThat(planner.name()).isEqualTo("planner");
        assertThat(cmd().xlen(prefix + "scheduler:planner")).isEqualTo(1L);
        assertThat(cmd().xinfoGroups(prefix + "scheduler:planner").toString()).contains("scheduler-planners");
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
        assertThat(cmd().hget(idemp, "run-a#0")).as("a delayed message keeps its payload in its idempotency record")
                .isEqualTo("delayed|0||2|t1{\"index\":0,\"runId\":\"run-a\",\"tenantId\":\"t1\"}");
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
