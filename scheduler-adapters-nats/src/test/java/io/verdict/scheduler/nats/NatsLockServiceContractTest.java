package io.verdict.scheduler.nats;

import io.verdict.scheduler.contracts.LockContract;
import io.verdict.scheduler.queue.LockService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.time.Instant;

/** The lock contract against JetStream key-value; expiry is judged by the server's clock, so time passes for real. */
class NatsLockServiceContractTest extends LockContract {
    private static NatsConnection nats;
    private String namespace;

    @BeforeAll
    static void connect() {
        nats = NatsTestSupport.connect();
    }

    @AfterAll
    static void disconnect() {
        nats.close();
    }

    @Override
    protected LockService newLocks() {
        namespace = NatsTestSupport.uniqueNamespace();
        return new NatsLockService(nats, namespace);
    }

    @Override
    protected void closeLocks(LockService locks) {
        nats.deleteNamespace(namespace);
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    protected Instant now() {
        return Instant.now();
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(600);
    }
}
