package io.verdict.scheduler.redis;

import io.verdict.scheduler.events.codec.RunEventCodec;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Run events in Redis: one stream per run, {@code <prefix>scheduler:events:<runId>}, whose entry IDs are
 * {@code <seq>-0} with {@code seq} from an {@code INCR} counter ({@code <prefix>scheduler:events-seq:<runId>}) taken in the same script as the
 * {@code XADD}, so sequence order is stream order. {@link #after} is an {@code XRANGE}. Subscribers on any
 * instance are served by one background reader per instance doing {@code XREAD BLOCK} over the runs it has
 * subscribers for, on a dedicated connection; so an SSE client on node A sees what a worker on node B appended.
 *
 * <p>Listeners run on the reader thread, one event at a time and in order; they should hand off slow work.
 * Close the log to stop the reader.
 */
public final class RedisRunEventLog implements RunEventLog, AutoCloseable {
    private static final LuaScript APPEND = LuaScript.fromResources("events-append.lua");
    private static final Duration BLOCK = Duration.ofMillis(500);
    private static final int READ_COUNT = 500;

    private final RedisConnection connection;
    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final Clock clock;
    private final Duration retention;
    private final Map<String, CopyOnWriteArrayList<Subscription>> subscriptions = new ConcurrentHashMap<>();
    private final Object readerLock = new Object();
    private Thread reader;
    private StatefulRedisConnection<String, String> readerConnection;
    private volatile long readerClientId = -1;
    private volatile boolean closed;

    /** Event streams under {@code prefix}, timestamps from the system clock, kept 30 days after the last event. */
    public RedisRunEventLog(RedisConnection connection, String prefix) {
        this(connection, prefix, Clock.systemUTC(), Duration.ofDays(30));
    }

    /** @param retention how long a run's events are kept after its last append; zero keeps them forever */
    public RedisRunEventLog(RedisConnection connection, String prefix, Clock clock, Duration retention) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.redis = connection.commands();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retention.isNegative()) throw new IllegalArgumentException("retention must not be negative");
        this.retention = retention;
    }

    String streamKey(String runId) {
        return prefix + "scheduler:events:" + runId;
    }

    /** In its own namespace so no run ID can make a counter key collide with a stream key. */
    private String seqKey(String runId) {
        return prefix + "scheduler:events-seq:" + runId;
    }

    @Override
    public RunEventRecord append(String tenantId, String runId, RunEvent event) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(runId, "runId");
        Instant at = clock.instant();
        Long seq = connection.guard().call(() -> APPEND.run(redis, ScriptOutputType.INTEGER,
                new String[] {streamKey(runId), seqKey(runId)}, tenantId, at.toString(), RunEventCodec.write(event),
                Long.toString(retention.toMillis())));
        return new RunEventRecord(tenantId, runId, seq, at, event);
    }

    @Override
    public List<RunEventRecord> after(String runId, long afterSeq, int limit) {
        if (limit <= 0) return List.of();
        String from = Math.max(0, afterSeq) + 1 + "-0";
        List<StreamMessage<String, String>> msgs = redis.xrange(streamKey(runId),
                Range.from(Range.Boundary.including(from), Range.Boundary.unbounded()), Limit.from(limit));
        List<RunEventRecord> out = new ArrayList<>(msgs.size());
        for (StreamMessage<String, String> m : msgs) out.add(record(runId, m));
        return out;
    }

    private static RunEventRecord record(String runId, StreamMessage<String, String> m) {
        Map<String, String> b = m.getBody();
        return new RunEventRecord(b.get("tenant"), runId, seqOf(m.getId()), Instant.parse(b.get("at")),
                RunEventCodec.read(b.get("event")));
    }

    private static long seqOf(String streamId) {
        return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    }

    /** Live events appended after this call, on any instance, until the handle is closed. */
    @Override
    public AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) throw new IllegalStateException("event log is closed");
        String last = redis.get(seqKey(runId));
        Subscription s = new Subscription(runId, listener, last == null ? 0 : Long.parseLong(last));
        subscriptions.computeIfAbsent(runId, r -> new CopyOnWriteArrayList<>()).add(s);
        startReader();
        wakeReader();
        return s;
    }

    private final class Subscription implements AutoCloseable {
        private final String runId;
        private final Consumer<RunEventRecord> listener;
        private long lastSeq;
        private boolean open = true;

        Subscription(String runId, Consumer<RunEventRecord> listener, long lastSeq) {
            this.runId = runId;
            this.listener = listener;
            this.lastSeq = lastSeq;
        }

        synchronized long lastSeq() {
            return lastSeq;
        }

        /** Synchronized with close(): once close() returns, the listener is never called again. */
        synchronized void deliver(RunEventRecord r) {
            if (!open || r.seq() <= lastSeq) return;
            lastSeq = r.seq();
            try {
                listener.accept(r);
            } catch (RuntimeException ignored) {
                // A failing subscriber (a closed SSE connection) must not stop delivery to the others.
            }
        }

        @Override
        public synchronized void close() {
            if (!open) return;
            open = false;
            subscriptions.computeIfPresent(runId, (r, l) -> {
                l.remove(this);
                return l.isEmpty() ? null : l;
            });
        }
    }

    // ---- background reader --------------------------------------------------------------------------------

    private void startReader() {
        synchronized (readerLock) {
            if (reader != null || closed) return;
            readerConnection = connection.openDedicated();
            readerClientId = readerConnection.sync().clientId();
            reader = Thread.ofPlatform().daemon().name("redis-run-events-" + prefix).start(this::readLoop);
        }
    }

    /** Interrupts a blocked XREAD so the reader picks up a new set of runs at once instead of after the block. */
    private void wakeReader() {
        long id = readerClientId;
        if (id < 0) return;
        try {
            redis.clientUnblock(id, UnblockType.TIMEOUT);
        } catch (RuntimeException ignored) {
            // Only latency is lost: the reader re-reads its subscriptions after every block anyway.
        }
    }

    @SuppressWarnings("unchecked")
    private void readLoop() {
        RedisCommands<String, String> blocking = readerConnection.sync();
        while (!closed) {
            try {
                List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>();
                subscriptions.forEach((runId, subs) -> {
                    long from = Long.MAX_VALUE;
                    for (Subscription s : subs) from = Math.min(from, s.lastSeq());
                    if (from != Long.MAX_VALUE) offsets.add(XReadArgs.StreamOffset.from(streamKey(runId), from + "-0"));
                });
                if (offsets.isEmpty()) {
                    Thread.sleep(50);
                    continue;
                }
                List<StreamMessage<String, String>> msgs = blocking.xread(
                        XReadArgs.Builder.block(BLOCK).count(READ_COUNT), offsets.toArray(XReadArgs.StreamOffset[]::new));
                for (StreamMessage<String, String> m : msgs) {
                    String runId = m.getStream().substring(streamKey("").length());
                    List<Subscription> subs = subscriptions.get(runId);
                    if (subs == null) continue;
                    RunEventRecord r = record(runId, m);
                    for (Subscription s : subs) s.deliver(r);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) return;
                // Redis restarting or the network failing: back off and retry; subscribers resume where they were.
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Stops the background reader and closes its connection; the shared connection stays open. */
    @Override
    public void close() {
        Thread t;
        synchronized (readerLock) {
            if (closed) return;
            closed = true;
            t = reader;
        }
        if (t == null) return;
        wakeReader();
        try {
            t.join(BLOCK.toMillis() * 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readerConnection.close();
    }
}
