package io.verdict.scheduler.nats;

import io.verdict.scheduler.contracts.RunEventLogContract;
import io.verdict.scheduler.events.RunEventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The run event log contract against JetStream; live delivery is asynchronous, so the suite waits for it. */
class NatsRunEventLogContractTest extends RunEventLogContract {
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
    protected RunEventLog newLog() {
        namespace = NatsTestSupport.uniqueNamespace();
        return new NatsRunEventLog(nats, namespace);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    @AfterEach
    void dropNamespace() {
        nats.deleteNamespace(namespace);
    }
}
