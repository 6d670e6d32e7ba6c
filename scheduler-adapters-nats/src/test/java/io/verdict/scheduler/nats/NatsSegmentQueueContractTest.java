package io.verdict.scheduler.nats;

import io.verdict.scheduler.contracts.QueueContract;
import io.verdict.scheduler.queue.SegmentQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.time.Instant;

/** The queue contract against a real JetStream: leases and windows pass in real time. */
class NatsSegmentQueueContractTest extends QueueContract {
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
    protected SegmentQueue newQueue() {
        namespace = NatsTestSupport.uniqueNamespace();
        return new NatsSegmentQueue(nats, namespace);
    }

    @Override
    protected void closeQueue(SegmentQueue queue) {
        ((NatsSegmentQueue) queue).close();
        nats.deleteNamespace(namespace);
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    protected Instant now() {
        return Instant.now(); // the server runs on this machine: its clock and the JVM's agree
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(600);
    }

    @Override
    protected Duration claimPatience() {
        return Duration.ofMillis(500); // a pull waits 150 ms at most; under load it can come back empty once or twice
    }
}
