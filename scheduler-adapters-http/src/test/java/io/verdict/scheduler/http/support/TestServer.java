package io.verdict.scheduler.http.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.http.ControlPlane;
import io.verdict.scheduler.http.HttpSettings;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.security.VerificationKeys;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.retry.RetryPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** An in-process control plane on a random port over an in-memory scheduler, with a java.net.http client. */
public final class TestServer implements AutoCloseable {
    public static final String ALL_SCOPES = Arrays.stream(Scope.values()).filter(s -> s != Scope.ADMIN)
            .map(Scope::wire).collect(Collectors.joining(" "));
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final TestKeys keys = new TestKeys();
    public final Scheduler scheduler;
    /** The scheduler's stores, for tests that check what was written (the HTTP adapter itself never sees them). */
    public final io.verdict.scheduler.Storage storage = io.verdict.scheduler.Storage.inMemory(Clock.systemUTC());
    public final ControlPlane plane;
    public final MicrometerSchedulerMetrics metrics;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestServer() {
        this(s -> s, b -> b);
    }

    public TestServer(java.util.function.UnaryOperator<HttpSettings> settings,
                      java.util.function.UnaryOperator<io.verdict.scheduler.SchedulerBuilder> builder) {
        this(settings, builder, io.verdict.scheduler.http.security.IntakeSignatures.NONE);
    }

    public TestServer(java.util.function.UnaryOperator<HttpSettings> settings,
                      java.util.function.UnaryOperator<io.verdict.scheduler.SchedulerBuilder> builder,
                      io.verdict.scheduler.http.security.IntakeSignatures signatures) {
        metrics = new MicrometerSchedulerMetrics(Clock.systemUTC());
        scheduler = builder.apply(Scheduler.builder().storage(storage).metrics(metrics).segmentSize(5).seed(7)
                .retryPolicy(new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50), 0, 3, Duration.ZERO))
                .instanceId("test")).build();
        JwtVerifier verifier = new JwtVerifier(VerificationKeys.of(keys.publicJwks()), TestKeys.ISSUER, TestKeys.AUDIENCE,
                Duration.ofSeconds(5));
        plane = ControlPlane.start(scheduler, settings.apply(HttpSettings.DEFAULTS.withPort(0).withHost("127.0.0.1")),
                verifier, metrics, signatures);
    }

    public String token(String tenant, String scopes) {
        return keys.es256(TestKeys.claims(tenant, scopes).build());
    }

    public String token(String tenant) {
        return token(tenant, ALL_SCOPES);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + plane.port() + path);
    }

    public Resp send(String method, String path, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        if (body != null && !headers.containsKey("Content-Type")) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Resp get(String path, String token) {
        return send("GET", path, token, null, Map.of());
    }

    public Resp post(String path, String token, String body) {
        return send("POST", path, token, body, Map.of());
    }

    public Resp put(String path, String token, String body) {
        return send("PUT", path, token, body, Map.of());
    }

    public Resp patch(String path, String token, String body) {
        return send("PATCH", path, token, body, Map.of());
    }

    public Resp delete(String path, String token) {
        return send("DELETE", path, token, null, Map.of());
    }

    /** Indexes {@code count} images for the tenant, each with the given purls plus a unique one. */
    public List<String> indexImages(String tenant, int count, String namespace, List<String> purls) {
        List<String> digests = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String d = digest(tenant + ":" + namespace + ":" + i);
            List<Component> comps = new java.util.ArrayList<>();
            for (String p : purls) comps.add(new Component(p, i % 2 == 0));
            comps.add(new Component("pkg:npm/unique-" + i + "@1.0.0", false));
            scheduler.indexImage(new ImageRecord(tenant, d, "registry.test", namespace + "/app-" + i, List.of(namespace),
                    List.of("1.0." + i), Map.of("env", "prod"), comps));
            digests.add(d);
        }
        return digests;
    }

    public static String digest(String seed) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + s, e);
        }
    }

    public void with(Consumer<TestServer> body) {
        body.accept(this);
    }

    @Override
    public void close() {
        plane.close();
        scheduler.close();
    }

    public record Resp(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            return TestServer.json(body);
        }

        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().isEmpty() ? null : e.getValue().get(0);
            }
            return null;
        }

        public boolean isProblem() {
            String ct = header("Content-Type");
            return ct != null && ct.startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
