package io.verdict.scheduler.redis;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** An SSE client connected to node A sees the events a worker on node B appends. */
class RedisRunEventLogDistributedTest {
    private final String prefix = RedisTestSupport.uniquePrefix();
    private final RedisConnection nodeA = RedisTestSupport.connect();
    private final RedisConnection nodeB = RedisTestSupport.connect();

    @AfterEach
    void stop() {
        RedisTestSupport.deleteKeys(nodeA, prefix);
        nodeA.close();
        nodeB.close();
    }

    @Test
    void eventsAppendedOnOneNodeReachSubscribersOnAnother() throws Exception {
        RedisRunEventLog consoleNode = new RedisRunEventLog(nodeA, prefix, Clock.systemUTC(), Duration.ofMinutes(5));
        RedisRunEventLog workerNode = new RedisRunEventLog(nodeB, prefix, Clock.systemUTC(), Duration.ofMinutes(5));
        List<RunEventRecord> seen = new CopyOnWriteArrayList<>();
        try (consoleNode; workerNode; AutoCloseable sub = consoleNode.subscribe("run-a", seen::add)) {
            for (int i = 1; i <= 10; i++) workerNode.append("t1", "run-a", new RunEvent.Log("info", "step " + i, null));

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (seen.size() < 10 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(seen).extracting(RunEventRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(consoleNode.after("run-a", 8, 10)).extracting(RunEventRecord::event)
                    .containsExactly(new RunEvent.Log("info", "step 9", null), new RunEvent.Log("info", "step 10", null));
            assertThat(consoleNode.append("t1", "run-a", new RunEvent.Log("info", "from A", null)).seq())
                    .as("both nodes draw from one sequence").isEqualTo(11L);
        }
    }

    @Test
    void closingTheLogStopsItsReaderThread() throws Exception {
        RedisRunEventLog log = new RedisRunEventLog(nodeA, prefix, Clock.systemUTC(), Duration.ofMinutes(5));
        log.subscribe("run-a", r -> {});
        assertThat(readerThreads()).isEqualTo(1);
        log.close();
        assertThat(readerThreads()).isZero();
    }

    private long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("redis-run-events-" + prefix) && t.isAlive()).count();
    }
}
