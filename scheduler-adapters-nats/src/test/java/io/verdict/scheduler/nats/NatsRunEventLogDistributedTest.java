package io.verdict.scheduler.nats;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Two event logs on separate connections, as two scheduler nodes behind one load balancer. */
class NatsRunEventLogDistributedTest {
    private final String namespace = NatsTestSupport.uniqueNamespace();
    private NatsConnection nodeA;
    private NatsConnection nodeB;
    private NatsRunEventLog logA;
    private NatsRunEventLog logB;

    @BeforeEach
    void startNodes() {
        nodeA = NatsTestSupport.connect();
        nodeB = NatsTestSupport.connect();
        logA = new NatsRunEventLog(nodeA, namespace);
        logB = new NatsRunEventLog(nodeB, namespace);
    }

    @AfterEach
    void stopNodes() {
        logA.close();
        logB.close();
        nodeA.deleteNamespace(namespace);
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aSubscriberOnOneNodeSeesWhatAnotherNodeAppends() throws Exception {
        List<RunEventRecord> got = new CopyOnWriteArrayList<>();
        try (AutoCloseable ignored = logA.subscribe("run:t.1:x", got::add)) {
            for (int i = 0; i < 10; i++) logB.append("tenant.with dots", "run:t.1:x", new RunEvent.Log("info", "e" + i, null));
            long deadline = System.currentTimeMillis() + 10_000;
            while (got.size() < 10 && System.currentTimeMillis() < deadline) Thread.sleep(10);
        }
        assertThat(got).extracting(RunEventRecord::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
        assertThat(got).allSatisfy(r -> assertThat(r.tenantId()).isEqualTo("tenant.with dots"));
    }

    @Test
    void bothNodesAppendingToOneRunNeverShareASequenceNumber() throws Exception {
        Thread a = new Thread(() -> { for (int i = 0; i < 50; i++) logA.append("t1", "run-a", new RunEvent.Log("info", "a" + i, null)); });
        Thread b = new Thread(() -> { for (int i = 0; i < 50; i++) logB.append("t1", "run-a", new RunEvent.Log("info", "b" + i, null)); });
        a.start(); b.start(); a.join(); b.join();
        assertThat(logA.after("run-a", 0, 1000)).extracting(RunEventRecord::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
    }

    @Test
    void aClientResumesOnAnotherNodeAfterItsLastEventId() {
        for (int i = 1; i <= 6; i++) logA.append("t1", "run-a", new RunEvent.Log("info", "e" + i, null));
        // node B never saw the run: it finds the tenant in the bucket and replays from the stream
        assertThat(logB.after("run-a", 4, 100)).extracting(RunEventRecord::seq).containsExactly(5L, 6L);
        assertThat(logB.after("run-a", 4, 100).get(0).event()).isEqualTo(new RunEvent.Log("info", "e5", null));
    }
}
