package io.verdict.scheduler.app.runtime;

import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.nats.NatsConnection;
import io.verdict.scheduler.nats.NatsLockService;
import io.verdict.scheduler.nats.NatsQueueSettings;
import io.verdict.scheduler.nats.NatsRunEventLog;
import io.verdict.scheduler.nats.NatsSegmentQueue;

import java.time.Duration;
import java.util.Deque;

/**
 * The NATS JetStream transport ({@code SCHEDULER_NATS_URL}): runner queue, locks and live run events on one
 * connection. The consumer's ack wait is the configured lease time, so the server itself redelivers a segment whose
 * worker stopped renewing it.
 */
final class NatsTransport {
    private NatsTransport() {}

    /** Connects and hands the queue, locks and run events straight to the builder (app names no core port type). */
    static void open(AppConfig config, Deque<AutoCloseable> resources, SchedulerBuilder builder) {
        NatsConnection nats = NatsConnection.connect(config.natsUrl());
        resources.push(nats);
        String ns = config.natsNamespace();
        Duration ackWait = config.leaseTime().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : config.leaseTime();
        NatsSegmentQueue queue = new NatsSegmentQueue(nats, NatsQueueSettings.runner(ns).withAckWait(ackWait));
        resources.push(queue);
        NatsRunEventLog events = new NatsRunEventLog(nats, ns);
        resources.push(events);
        builder.queue(queue).locks(new NatsLockService(nats, ns)).runEvents(events);
    }
}
