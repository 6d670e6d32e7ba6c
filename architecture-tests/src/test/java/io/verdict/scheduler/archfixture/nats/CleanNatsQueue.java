package io.verdict.scheduler.archfixture.nats;

import io.nats.client.Connection;
import io.verdict.scheduler.archfixture.impact.CleanIndex;

/** Obeys every rule: the NATS client, the JDK and the core. */
public class CleanNatsQueue {
    private final CleanIndex core = new CleanIndex();

    public CleanIndex publish(Connection nats, String subject) {
        nats.publish(subject, new byte[0]);
        return core;
    }
}
