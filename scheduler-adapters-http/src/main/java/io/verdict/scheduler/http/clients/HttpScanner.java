package io.verdict.scheduler.http.clients;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;
import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.ScanRequest;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.execution.ScannerException;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Severity;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scanner's HTTP contract: {@code POST {base}/api/v1/reports} for analysis-only verdicts and
 * {@code POST {base}/api/v1/scans} to re-pull content first (content-refresh mode). Status codes map to what the
 * worker must do: 429/503/5xx/refused → {@link ScannerException.Unavailable} (slow down), other 4xx →
 * {@link ScannerException.Rejected}, no answer in time → {@link ScannerException.Timeout}.
 */
public final class HttpScanner implements Scanner {
    private final HttpClient client;
    private final URI base;
    private final Duration timeout;
    private final Supplier<String> bearerToken;

    public HttpScanner(URI base, Duration timeout, Supplier<String> bearerToken) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.base = base;
        this.timeout = timeout;
        this.bearerToken = bearerToken == null ? () -> null : bearerToken;
    }

    @Override
    public ScanReport analyze(ScanRequest request) {
        if (request.mode() == Mode.CONTENT_REFRESH) {
            post("/api/v1/scans", Map.of("imageDigest", request.imageDigest()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("imageDigest", request.imageDigest());
        body.put("mode", Mode.ANALYSIS_ONLY.wire());
        body.put("policyRevision", request.policyRevision());
        return parse(request.imageDigest(), post("/api/v1/reports", body));
    }

    private String post(String path, Map<String, Object> body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(CanonicalJson.bytes(body)));
        String token = bearerToken.get();
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ScannerException.Timeout("scanner did not answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw new ScannerException.Unavailable("scanner refused the connection");
        } catch (IOException e) {
            throw new ScannerException.Unavailable("scanner I/O error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScannerException.Timeout("interrupted while waiting for the scanner");
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new ScannerException.Unavailable("scanner answered " + status);
        }
        if (status >= 400) {
            throw new ScannerException.Rejected("scanner answered " + status + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    @SuppressWarnings("unchecked")
    static ScanReport parse(String digest, String json) {
        try {
            Map<String, Object> m = (Map<String, Object>) JsonReader.parse(json);
            List<Finding> findings = new ArrayList<>();
            Object list = m.get("findings");
            if (list != null) {
                for (Map<String, Object> f : (List<Map<String, Object>>) list) {
                    findings.add(new Finding((String) f.get("vulnerabilityId"), (String) f.get("purl"),
                            Severity.fromWire((String) f.get("severity")), Boolean.TRUE.equals(f.get("kev")),
                            FindingStatus.fromWire(f.get("status") == null ? "affected" : (String) f.get("status"))));
                }
            }
            String reportDigest = (String) m.getOrDefault("imageDigest", digest);
            if (!digest.equals(reportDigest)) {
                throw new ScannerException.Rejected("scanner answered for " + reportDigest + " instead of " + digest);
            }
            Object at = m.get("generatedAt");
            return new ScanReport((String) m.get("reportId"), digest, (String) m.get("verdict"), findings,
                    at == null ? Instant.EPOCH : Instant.parse((String) at));
        } catch (ScannerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ScannerException.Rejected("unreadable scanner report: " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
