package io.verdict.scheduler.http.clients;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.Notifier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends outbound envelopes (to Notify or any webhook) as canonical JSON, signed with HMAC-SHA256 in
 * {@code X-Scheduler-Signature} when a secret is configured, with {@code Idempotency-Key} so the receiver can
 * drop re-deliveries. Retries transient failures a few times with a short pause; a receiver that stays down
 * does not stop the run (events are also kept in the run's event log).
 */
public final class WebhookNotifier implements Notifier {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final byte[] secret;
    private final int attempts;
    private volatile String lastFailure;

    public WebhookNotifier(URI target, String hmacSecret, int attempts) {
        this.target = target;
        this.secret = hmacSecret == null ? null : hmacSecret.getBytes(StandardCharsets.UTF_8);
        this.attempts = Math.max(1, attempts);
    }

    @Override
    public void publish(EventEnvelope e) {
        byte[] body = CanonicalJson.bytes(toMap(e));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Idempotency-Key", e.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) b.header("X-Scheduler-Signature", "sha256=" + hmac(body));
        for (int i = 1; i <= attempts; i++) {
            try {
                HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 300) return;
                lastFailure = "HTTP " + r.statusCode();
                if (r.statusCode() < 500 && r.statusCode() != 429) return; // the receiver refuses it: retrying won't help
            } catch (IOException ex) {
                lastFailure = ex.toString();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(100L * i);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        System.getLogger("scheduler.notify").log(System.Logger.Level.WARNING,
                "webhook delivery of " + e.kind() + " " + e.idempotencyKey() + " failed: " + lastFailure);
    }

    public String lastFailure() {
        return lastFailure;
    }

    private String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static Map<String, Object> toMap(EventEnvelope e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", e.eventId());
        m.put("kind", e.kind());
        m.put("version", e.version());
        m.put("tenant", e.tenant());
        m.put("occurredAt", e.occurredAt());
        m.put("correlationId", e.correlationId());
        m.put("idempotencyKey", e.idempotencyKey());
        m.put("payload", e.payload());
        return m;
    }
}
