package io.verdict.scheduler.http.clients.webhook;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EnvelopeJson;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.http.security.IntakeSignatures;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Delivers envelopes to a webhook: POST of the envelope as canonical JSON (SPEC §6), as a CloudEvents 1.0 event in
 * HTTP binary mode ({@code ce-specversion}, {@code ce-id} = eventId, {@code ce-type} = kind, {@code ce-source},
 * {@code ce-subject} = runId, {@code ce-time} = occurredAt, plus the extension {@code ce-tenant}), with
 * {@code Idempotency-Key} and, when a secret is set, the signature intake accepts:
 * {@code X-Scheduler-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>} and
 * {@code X-Scheduler-Timestamp: <epoch seconds>} and {@code X-Tenant} (see {@link IntakeSignatures}). A 2xx is success; 408, 429, 5xx
 * and I/O errors are retried a few times with exponential backoff (resilience4j-retry); other answers fail at once.
 * Whatever still fails goes back to the outbox dispatcher, which retries later and finally dead-letters.
 */
public final class WebhookSink implements EventSink {
    private final WebhookSettings settings;
    private final HttpClient client;
    private final Clock clock;
    private final byte[] secret;
    private final Retry retry;

    public WebhookSink(WebhookSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.secret = settings.secret() == null ? null : settings.secret().getBytes(StandardCharsets.UTF_8);
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.retry = Retry.of("webhook-" + settings.name(), RetryConfig.custom()
                .maxAttempts(settings.attempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.firstBackoff(), 2.0))
                .retryOnException(e -> e instanceof IOException) // refusals (Refused) are not retried here
                .failAfterMaxAttempts(false)
                .build());
    }

    @Override
    public String name() {
        return "webhook:" + settings.name();
    }

    @Override
    public boolean accepts(OutboxEntry entry) {
        return settings.filter().matches(entry.envelope());
    }

    @Override
    public void deliver(OutboxEntry entry) throws Exception {
        byte[] body = EnvelopeJson.write(entry.envelope()).getBytes(StandardCharsets.UTF_8);
        try {
            retry.executeCheckedSupplier(() -> {
                send(entry.envelope(), body);
                return null;
            });
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void send(EventEnvelope e, byte[] body) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.url()).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", e.idempotencyKey())
                .header("ce-specversion", "1.0")
                .header("ce-id", e.eventId())
                .header("ce-type", e.kind())
                .header("ce-source", settings.source())
                .header("ce-time", e.occurredAt().toString())
                .header("ce-tenant", e.tenant())
                .header("X-Tenant", e.tenant())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        Object runId = e.payload() == null ? null : e.payload().get("runId");
        if (runId != null) b.header("ce-subject", runId.toString());
        if (secret != null) {
            // Signed per attempt: the timestamp is fresh, so a receiver's replay window does not reject a late retry.
            String ts = Long.toString(clock.instant().getEpochSecond());
            b.header(IntakeSignatures.TIMESTAMP_HEADER, ts);
            b.header(IntakeSignatures.SIGNATURE_HEADER, "sha256=" + HexFormat.of().formatHex(IntakeSignatures.sign(secret, ts, body)));
        }
        HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        int status = r.statusCode();
        if (status >= 200 && status < 300) return;
        String what = name() + " answered HTTP " + status;
        if (status == 408 || status == 429 || status >= 500) throw new IOException(what);
        // A refusal (4xx): retrying now won't help; the dispatcher still retries later in case it was transient.
        throw new Refused(what);
    }

    public WebhookSettings settings() {
        return settings;
    }

    /** The receiver refused the envelope (a 4xx other than 408/429). */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }
}
