package io.verdict.scheduler.nats;

import io.verdict.scheduler.events.codec.RunEventCodec;

import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Run events on JetStream: one stream per tenant ({@code <ns>_events_<tenant>}, file storage, 30 days), one subject
 * per run ({@code <ns>.events.<tenant>.<run>}), one message per event with its per-run sequence in the
 * {@code Verdict-Seq} header. {@code append} publishes with "expected last subject sequence", so two nodes appending
 * to one run can never both take the same number: the loser re-reads the run's last event and tries the next one.
 * A run's tenant is kept in the bucket {@code <ns>_event_runs}, so a node that never saw the run can replay it.
 *
 * <p>Live delivery is a plain NATS subscription on the run's subject (JetStream publishes reach core subscribers
 * too), on any node. A subscription remembers the last sequence it delivered; a jump (a message missed while the
 * connection was down) is filled from the stream before the newer event, so each listener sees every event after
 * its subscription once, in order. Listeners run on the log's dispatcher thread: hand off slow work.
 */
public final class NatsRunEventLog implements RunEventLog, AutoCloseable {
    static final String SEQ_HEADER = "Verdict-Seq";
    static final String AT_HEADER = "Verdict-At";
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final int MAX_APPEND_RACES = 100;

    private final NatsConnection nats;
    private final String namespace;
    private final KeyValue runs;
    private final Dispatcher dispatcher;
    private final Set<String> knownStreams = ConcurrentHashMap.newKeySet();
    private final Map<String, String> tenantOfRun = new ConcurrentHashMap<>();

    public NatsRunEventLog(NatsConnection nats, String namespace) {
        this.nats = nats;
        this.namespace = NatsNames.namespace(namespace);
        this.runs = nats.bucket(namespace + "_event_runs", "verdict scheduler: tenant of each run with events");
        this.dispatcher = nats.connection().createDispatcher();
    }

    private String stream(String tenantId) {
        return namespace + "_events_" + NatsNames.token(tenantId);
    }

    private String subject(String tenantId, String runId) {
        return namespace + ".events." + NatsNames.token(tenantId) + "." + NatsNames.token(runId);
    }

    @Override
    public RunEventRecord append(String tenantId, String runId, RunEvent event) {
        String stream = stream(tenantId);
        if (knownStreams.add(stream)) {
            nats.ensureStream(StreamConfiguration.builder().name(stream)
                    .subjects(namespace + ".events." + NatsNames.token(tenantId) + ".*")
                    .storageType(StorageType.File).maxAge(RETENTION)
                    .description("verdict scheduler run events of tenant " + tenantId).build());
        }
        String subject = subject(tenantId, runId);
        byte[] body = RunEventCodec.write(event).getBytes(StandardCharsets.UTF_8);
        try {
            for (int race = 0; race < MAX_APPEND_RACES; race++) {
                MessageInfo last = last(stream, subject);
                long seq = last == null ? 1 : seqOf(last.getHeaders()) + 1;
                if (seq == 1) rememberTenant(tenantId, runId);
                Instant at = Instant.now();
                Headers h = new Headers().put(SEQ_HEADER, Long.toString(seq)).put(AT_HEADER, at.toString());
                try {
                    nats.jetStream().publish(NatsMessage.builder().subject(subject).headers(h).data(body).build(),
                            PublishOptions.builder().expectedLastSubjectSequence(last == null ? 0 : last.getSeq()).build());
                    return new RunEventRecord(tenantId, runId, seq, at, event);
                } catch (JetStreamApiException raced) {
                    if (raced.getApiErrorCode() != 10071) throw raced; // 10071: wrong last sequence
                }
            }
            throw new IllegalStateException("append to " + runId + " lost " + MAX_APPEND_RACES + " races in a row");
        } catch (Exception e) {
            throw NatsFailures.unchecked("append event to " + runId, e);
        }
    }

    @Override
    public List<RunEventRecord> after(String runId, long afterSeq, int limit) {
        String tenantId = tenantOf(runId);
        if (tenantId == null || limit <= 0) return List.of();
        String stream = stream(tenantId);
        String subject = subject(tenantId, runId);
        MessageInfo last = last(stream, subject);
        if (last == null || seqOf(last.getHeaders()) <= afterSeq) return List.of();
        List<RunEventRecord> out = new ArrayList<>();
        // A run's events are few (a state change and a progress event per segment), so reading its subject from
        // the start and skipping what the client has is cheaper than an index kept next to the stream.
        for (Message m : StreamScan.all(nats, stream, subject)) {
            RunEventRecord r = read(tenantId, runId, m.getHeaders(), m.getData());
            if (r.seq() <= afterSeq) continue;
            out.add(r);
            if (out.size() == limit) break;
        }
        return out;
    }

    @Override
    public AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener) {
        Subscription s = new Subscription(runId, listener);
        io.nats.client.Subscription sub = dispatcher.subscribe(
                namespace + ".events.*." + NatsNames.token(runId), s::onMessage);
        try {
            nats.connection().flush(Duration.ofSeconds(5)); // the server knows the subscription before we return
        } catch (Exception e) {
            dispatcher.unsubscribe(sub);
            throw NatsFailures.unchecked("subscribe to " + runId, e);
        }
        s.start(sub);
        return s;
    }

    private final class Subscription implements AutoCloseable {
        private final String runId;
        private final Consumer<RunEventRecord> listener;
        private io.nats.client.Subscription sub;
        private long delivered;
        private boolean closed;

        Subscription(String runId, Consumer<RunEventRecord> listener) {
            this.runId = runId;
            this.listener = listener;
        }

        synchronized void start(io.nats.client.Subscription sub) {
            this.sub = sub;
            String tenantId = tenantOf(runId);
            MessageInfo last = tenantId == null ? null : last(stream(tenantId), subject(tenantId, runId));
            // Events up to here were appended before subscribe returned; the subscription starts after them.
            if (last != null) delivered = Math.max(delivered, seqOf(last.getHeaders()));
        }

        synchronized void onMessage(Message m) {
            if (closed) return;
            String tenantId = tenantFromSubject(m.getSubject());
            RunEventRecord r = read(tenantId, runId, m.getHeaders(), m.getData());
            if (sub == null) {
                // arrived while start() had not yet looked up the last sequence: remember it as the base
                delivered = r.seq();
                deliver(r);
                return;
            }
            if (r.seq() <= delivered) return;
            if (r.seq() > delivered + 1) {
                tenantOfRun.putIfAbsent(runId, tenantId);
                for (RunEventRecord missed : after(runId, delivered, (int) Math.min(10_000, r.seq() - delivered - 1))) {
                    if (missed.seq() < r.seq()) deliver(missed);
                }
            }
            deliver(r);
        }

        private void deliver(RunEventRecord r) {
            if (r.seq() <= delivered && sub != null) return;
            delivered = r.seq();
            try {
                listener.accept(r);
            } catch (RuntimeException ignored) {
                // a broken listener (client gone) must not stop the others
            }
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            if (sub != null && dispatcher.isActive()) dispatcher.unsubscribe(sub);
        }
    }

    private String tenantFromSubject(String subject) {
        // <ns>.events.<tenant>.<run>; the token encoding is reversible
        return NatsNames.decode(subject.substring(namespace.length() + ".events.".length(), subject.lastIndexOf('.')));
    }

    private void rememberTenant(String tenantId, String runId) throws Exception {
        if (tenantId.equals(tenantOfRun.putIfAbsent(runId, tenantId))) return;
        runs.put(NatsNames.token(runId), tenantId.getBytes(StandardCharsets.UTF_8));
    }

    private String tenantOf(String runId) {
        String known = tenantOfRun.get(runId);
        if (known != null) return known;
        try {
            KeyValueEntry e = runs.get(NatsNames.token(runId));
            if (e == null || e.getOperation() != KeyValueOperation.PUT) return null;
            String tenant = new String(e.getValue(), StandardCharsets.UTF_8);
            tenantOfRun.put(runId, tenant);
            return tenant;
        } catch (Exception e) {
            throw NatsFailures.unchecked("look up the tenant of " + runId, e);
        }
    }

    private MessageInfo last(String stream, String subject) {
        try {
            return nats.management().getLastMessage(stream, subject);
        } catch (JetStreamApiException notFound) {
            if (notFound.getApiErrorCode() == 10037 || notFound.getApiErrorCode() == 10059) return null;
            throw NatsFailures.unchecked("read the last event on " + subject, notFound);
        } catch (Exception e) {
            throw NatsFailures.unchecked("read the last event on " + subject, e);
        }
    }

    private static long seqOf(Headers h) {
        String v = h == null ? null : h.getFirst(SEQ_HEADER);
        if (v == null) throw new IllegalStateException("run event without " + SEQ_HEADER + " header");
        return Long.parseLong(v);
    }

    private static RunEventRecord read(String tenantId, String runId, Headers h, byte[] data) {
        return new RunEventRecord(tenantId, runId, seqOf(h), Instant.parse(h.getFirst(AT_HEADER)),
                RunEventCodec.read(new String(data, StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        if (dispatcher.isActive()) nats.connection().closeDispatcher(dispatcher);
    }
}
