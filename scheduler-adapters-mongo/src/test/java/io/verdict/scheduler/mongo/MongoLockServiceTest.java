package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.LockLease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Beyond LockContract: several instances ("nodes") racing on one database, tokens across restarts. */
class MongoLockServiceTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoLockServiceTest.class);
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");
    private static final Duration TTL = Duration.ofSeconds(60);

    private final ManualClock clock = new ManualClock(T0);
    private MongoDatabase db;
    private MongoLockService nodeA;
    private MongoLockService nodeB;

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @BeforeEach
    void freshLocks() {
        db = DB.fresh();
        nodeA = new MongoLockService(db, clock);
        nodeB = new MongoLockService(db, clock);
    }

    @Test
    void aFreeLockIsAcquiredAndAHeldOneIsNot() {
        LockLease lease = nodeA.tryAcquire("planner:acme", "a", TTL).orElseThrow();
        assertThat(lease).isEqualTo(new LockLease("planner:acme", "a", 1, T0.plus(TTL)));
        assertThat(nodeB.tryAcquire("planner:acme", "b", TTL)).isEmpty();
        assertThat(nodeA.tryAcquire("planner:acme", "a-again", TTL)).as("not re-entrant").isEmpty();
        assertThat(nodeB.tryAcquire("planner:globex", "b", TTL)).as("other names are independent").isPresent();
    }

    @Test
    void tokensSurviveARestartOfTheService() {
        LockLease first = nodeA.tryAcquire("cron:s1", "a", TTL).orElseThrow();
        nodeA.release(first);
        MongoLockService restarted = new MongoLockService(db, clock);
        assertThat(restarted.tryAcquire("cron:s1", "a", TTL).orElseThrow().fencingToken()).isEqualTo(2);
    }

    @Test
    void concurrentAcquirersOfANewLockHaveOneWinner() throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = "race-" + round;
            int threads = 6;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Optional<LockLease>>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MongoLockService node = new MongoLockService(db, clock);
                    String owner = "node-" + t;
                    results.add(pool.submit(() -> {
                        start.await();
                        return node.tryAcquire(name, owner, TTL);
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Optional<LockLease>> f : results) if (f.get(30, TimeUnit.SECONDS).isPresent()) winners++;
                assertThat(winners).as("winners of %s", name).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
