package io.verdict.scheduler.app.logging;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Map;

/**
 * One log line per run milestone — started, completed, failed (with its error), report ready — with
 * {@code tenantId}, {@code runId} and {@code correlationId} as MDC fields, so JSON logs carry them as keys. It reads the
 * same outbox the webhooks do (in order per run, after the state change is stored); per-image deltas log at DEBUG.
 * A line may repeat when another sink's failure makes the dispatcher redeliver an envelope.
 */
public final class RunLogSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger("scheduler.runs");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void deliver(OutboxEntry entry) {
        EventEnvelope e = entry.envelope();
        boolean delta = e.kind().equals("scheduler.rescan.delta");
        if (delta ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) return;
        MDC.put("tenantId", e.tenant());
        if (entry.runId() != null) MDC.put("runId", entry.runId());
        if (e.correlationId() != null) MDC.put("correlationId", e.correlationId());
        MDC.put("event", e.kind());
        try {
            String what = e.kind().startsWith("scheduler.") ? e.kind().substring("scheduler.".length()) : e.kind();
            Object error = e.payload() == null ? null : e.payload().get("error");
            String detail = error instanceof Map<?, ?> m ? " " + m.get("code") + ": " + m.get("message")
                    : error != null ? " " + error : "";
            if (delta) LOG.debug("{} {} image {}", what, entry.runId(), e.payload().get("imageDigest"));
            else if (e.kind().equals("scheduler.run.failed")) LOG.warn("{} {}{}", what, entry.runId(), detail);
            else LOG.info("{} {}", what, entry.runId());
        } finally {
            MDC.remove("tenantId");
            MDC.remove("runId");
            MDC.remove("correlationId");
            MDC.remove("event");
        }
    }
}
