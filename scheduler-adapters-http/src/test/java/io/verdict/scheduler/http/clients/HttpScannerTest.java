package io.verdict.scheduler.http.clients;

import com.sun.net.httpserver.HttpServer;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.ScanRequest;
import io.verdict.scheduler.execution.ScannerException;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real HTTP server (the JDK's), playing the scanner (webhook delivery: webhook.WebhookSinkTest). */
class HttpScannerTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger delayMs = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            headers.add(Map.copyOf(ex.getRequestHeaders()));
            try {
                Thread.sleep(delayMs.get());
            } catch (InterruptedException ignored) {
            }
            byte[] out = body.get() == null ? new byte[0] : body.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpScanner scanner(Duration timeout) {
        return new HttpScanner(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), timeout, () -> "tok");
    }

    @Test
    void postsAnalysisOnlyRequestAndReadsTheReport() {
        body.set("""
                {"reportId":"r-1","imageDigest":"%s","verdict":"fail","generatedAt":"2025-10-26T14:05:11Z",
                 "findings":[{"vulnerabilityId":"CVE-2025-1","purl":"pkg:npm/a@1","severity":"critical","kev":true,"status":"affected"},
                             {"vulnerabilityId":"CVE-2025-2","purl":"pkg:npm/b@1","severity":"low","kev":false,"status":"not_affected"}]}
                """.formatted(DIGEST));
        ScanReport r = scanner(Duration.ofSeconds(2)).analyze(new ScanRequest("acme", DIGEST, Mode.ANALYSIS_ONLY, "rev-7"));
        assertThat(r.reportId()).isEqualTo("r-1");
        assertThat(r.generatedAt()).isEqualTo(Instant.parse("2025-10-26T14:05:11Z"));
        assertThat(r.findings()).hasSize(2);
        assertThat(r.findings().get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(r.findings().get(0).kev()).isTrue();
        assertThat(r.findings().get(1).status()).isEqualTo(FindingStatus.NOT_AFFECTED);
        assertThat(requests).singleElement().asString()
                .isEqualTo("POST /api/v1/reports {\"imageDigest\":\"" + DIGEST + "\",\"mode\":\"analysis-only\",\"policyRevision\":\"rev-7\"}");
        assertThat(headers.get(0).get("Authorization")).containsExactly("Bearer tok");
    }

    @Test
    void contentRefreshAsksForAScanFirst() {
        body.set("{\"reportId\":\"r\",\"imageDigest\":\"" + DIGEST + "\",\"verdict\":\"pass\",\"findings\":[]}");
        scanner(Duration.ofSeconds(2)).analyze(new ScanRequest("acme", DIGEST, Mode.CONTENT_REFRESH, null));
        assertThat(requests).extracting(s -> s.split(" ")[1]).containsExactly("/api/v1/scans", "/api/v1/reports");
    }

    @Test
    void statusCodesMapToWhatTheWorkerMustDo() {
        HttpScanner s = scanner(Duration.ofSeconds(2));
        ScanRequest req = new ScanRequest("acme", DIGEST, Mode.ANALYSIS_ONLY, null);
        status.set(429);
        assertThatThrownBy(() -> s.analyze(req)).isInstanceOf(ScannerException.Unavailable.class);
        status.set(503);
        assertThatThrownBy(() -> s.analyze(req)).isInstanceOf(ScannerException.Unavailable.class);
        status.set(422);
        body.set("{\"title\":\"unknown image\"}");
        assertThatThrownBy(() -> s.analyze(req)).isInstanceOf(ScannerException.Rejected.class).hasMessageContaining("unknown image");
        status.set(200);
        body.set("not json");
        assertThatThrownBy(() -> s.analyze(req)).isInstanceOf(ScannerException.Rejected.class);
        body.set("{\"reportId\":\"r\",\"imageDigest\":\"sha256:other\",\"verdict\":\"pass\",\"findings\":[]}");
        assertThatThrownBy(() -> s.analyze(req)).isInstanceOf(ScannerException.Rejected.class).hasMessageContaining("instead of");
    }

    @Test
    void slowScannerIsATimeoutAndADeadOneIsUnavailable() {
        delayMs.set(800);
        body.set("{}");
        assertThatThrownBy(() -> scanner(Duration.ofMillis(200)).analyze(new ScanRequest("acme", DIGEST, Mode.ANALYSIS_ONLY, null)))
                .isInstanceOf(ScannerException.Timeout.class);
        HttpScanner nowhere = new HttpScanner(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1), null);
        assertThatThrownBy(() -> nowhere.analyze(new ScanRequest("acme", DIGEST, Mode.ANALYSIS_ONLY, null)))
                .isInstanceOf(ScannerException.Unavailable.class);
    }
}
