package io.verdict.scheduler.bench.race;

import io.lettuce.core.Consumer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Redis floor: what the bare stream commands cost on the same Redis, one message per target, pipelined with
 * lettuce (auto-flush off, 100 commands per flush): XADD all, then XREADGROUP 100 at a time and XACK each batch,
 * until every message was read and acked. No idempotency keys, no leases, no fencing: a lower bound for any
 * queue built on Redis streams.
 */
final class RawRedisLane {
    static final String URI = System.getenv().getOrDefault("RACE_REDIS_URI", "redis://127.0.0.1:6379");
    private static final int BATCH = 100;

    private RawRedisLane() {}

    static LaneResult run(String lane, int messages) throws Exception {
        String stream = "race-raw-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + ":stream";
        RedisClient client = RedisClient.create(URI);
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisAsyncCommands<String, String> cmd = conn.async();
            conn.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g", XGroupCreateArgs.Builder.mkstream());
            try {
                conn.setAutoFlushCommands(false);
                long t0 = System.nanoTime();
                for (int i = 0; i < messages; i += BATCH) {
                    List<RedisFuture<?>> batch = new ArrayList<>(BATCH);
                    for (int j = i; j < Math.min(messages, i + BATCH); j++) {
                        batch.add(cmd.xadd(stream, Map.of("run", "r1", "segment", Integer.toString(j))));
                    }
                    conn.flushCommands();
                    await(batch);
                }
                long enqueued = System.nanoTime();
                Consumer<String> me = Consumer.from("g", "c1");
                long acked = 0;
                while (acked < messages) {
                    RedisFuture<List<StreamMessage<String, String>>> read = cmd.xreadgroup(me, XReadArgs.Builder.count(BATCH),
                            XReadArgs.StreamOffset.lastConsumed(stream));
                    conn.flushCommands();
                    List<StreamMessage<String, String>> got = read.get(30, TimeUnit.SECONDS);
                    if (got.isEmpty()) throw new IllegalStateException("stream ran dry at " + acked);
                    RedisFuture<Long> ack = cmd.xack(stream, "g", got.stream().map(StreamMessage::getId).toArray(String[]::new));
                    conn.flushCommands();
                    acked += ack.get(30, TimeUnit.SECONDS);
                }
                long finished = System.nanoTime();
                return new LaneResult(lane, messages, 0, (enqueued - t0) / 1e9, (finished - t0) / 1e9, "acked=" + acked);
            } finally {
                conn.setAutoFlushCommands(true);
                conn.sync().del(stream);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void await(List<RedisFuture<?>> batch) {
        if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), batch.toArray(RedisFuture[]::new))) {
            throw new IllegalStateException("XADD batch timed out");
        }
    }
}
