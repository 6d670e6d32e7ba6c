package io.verdict.scheduler.app.runtime;

import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.nats.NatsConnection;
import io.verdict.scheduler.nats.NatsLockService;
import io.verdict.scheduler.nats.NatsQueueSettings;
import io.verdict.scheduler.nats.NatsRunEventLog;
import io.verdict.scheduler.nats.NatsSegmentQueue;
import io.verdict.scheduler.queue.LockService;
import io.verdict.scheduler.queue.SegmentQueue;

import java.time.Duration;
import java.util.Deque;

/**
 * The NATS JetStream transport ({@code SCHEDULER_NATS_URL}): runner queue, locks and live run events on one
 * connection. The consumer's ack wait is the configured lease time, so the server itself redelivers a segment whose
 * worker stopped renewing it.
 */
record NatsTransport(SegmentQueue queue, LockService locks, RunEventLog events) {
    static NatsTransport open(AppConfig config, Deque<AutoCloseable> resources) {
        NatsConnection nats = NatsConnection.connect(config.natsUrl());
        resources.push(nats);
        String ns = config.natsNamespace();
        Duration ackWait = config.leaseTime().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : config.leaseTime();
        NatsSegmentQueue queue = new NatsSegmentQueue(nats, NatsQueueSettings.runner(ns).withAckWait(ackWait));
        resources.push(queue);
        NatsRunEventLog events = new NatsRunEventLog(nats, ns);
        resources.push(events);
        return new NatsTransport(queue, new NatsLockService(nats, ns), events);
    }
}
