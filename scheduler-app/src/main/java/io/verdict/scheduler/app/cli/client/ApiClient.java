package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.verdict.scheduler.app.cli.UsageException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The scheduler's HTTP API as the CLI uses it: bearer token, optional {@code X-Tenant} for cross-tenant admins,
 * JSON in and out, problem+json turned into {@link ApiException}.
 */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final String token;
    private final String tenant;
    private final HttpClient http;

    public ApiClient(URI base, String token, String tenant) {
        this.base = base;
        this.token = token;
        this.tenant = tenant;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * --url / SCHEDULER_URL (default http://localhost:8080), --token / SCHEDULER_TOKEN / --token-file: the same
     * rules for every client command.
     */
    public static ApiClient from(String url, String token, String tokenFile, String tenant, Map<String, String> env) {
        String u = url != null ? url : env.getOrDefault("SCHEDULER_URL", "http://localhost:8080");
        URI uri;
        try {
            uri = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url must be an http(s) URL such as http://localhost:8080 (got '" + u + "')");
        }
        String t = token;
        if (t == null && tokenFile != null) {
            try {
                t = Files.readString(Path.of(tokenFile)).strip();
            } catch (IOException e) {
                throw new UsageException("--token-file: cannot read " + tokenFile + " (" + e.getMessage() + ")");
            }
        }
        if (t == null) t = env.get("SCHEDULER_TOKEN");
        if (t == null || t.isBlank()) {
            throw new UsageException("--token is required (or SCHEDULER_TOKEN, or --token-file FILE); mint a development one with: token --tenant T");
        }
        return new ApiClient(uri, t.strip(), tenant);
    }

    public URI base() {
        return base;
    }

    public JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    public JsonNode post(String path, JsonNode body) {
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    public JsonNode post(String path, byte[] body, String contentType) {
        return json(send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body))));
    }

    public JsonNode put(String path, byte[] body, String contentType) {
        return json(send(request(path).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body))));
    }

    public JsonNode patch(String path, JsonNode body) {
        return json(send(request(path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    public JsonNode delete(String path) {
        return json(send(request(path).DELETE()));
    }

    /** A binary download (evidence bundle) into {@code target}. */
    public long download(String path, Path target) throws IOException {
        HttpResponse<InputStream> r = exchange(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() >= 400) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            throw ApiException.of(r.statusCode(), parse(body), body);
        }
        try (InputStream in = r.body()) {
            Path tmp = target.resolveSibling(target.getFileName() + ".part");
            long n = Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return n;
        }
    }

    /** An open SSE stream, its lines read by the caller. */
    public HttpResponse<java.util.stream.Stream<String>> stream(String path, String lastEventId) {
        HttpRequest.Builder b = request(path, "text/event-stream").GET();
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        HttpResponse<java.util.stream.Stream<String>> r = exchange(b, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() >= 400) {
            String body = String.join("\n", r.body().toList());
            throw ApiException.of(r.statusCode(), parse(body), body);
        }
        return r;
    }

    public static String query(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&", "?", "");
        j.setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null && !v.isBlank()) j.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return j.toString();
    }

    public static String segment(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return request(path, "application/json, application/problem+json");
    }

    private HttpRequest.Builder request(String path, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Accept", accept);
        // A live stream stays open for as long as the run lasts; plain requests must not hang.
        if (!accept.equals("text/event-stream")) b.timeout(Duration.ofSeconds(60));
        if (tenant != null) b.header("X-Tenant", tenant);
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) throw ApiException.of(r.statusCode(), parse(r.body()), r.body());
        return r;
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(b.build(), handler);
        } catch (ConnectException e) {
            throw new ApiException(0, "cannot connect to " + base + " (is the scheduler running? set --url or SCHEDULER_URL)");
        } catch (IOException e) {
            throw new ApiException(0, "request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        String body = r.body();
        if (body == null || body.isBlank()) return JSON.createObjectNode();
        JsonNode n = parse(body);
        if (n == null) throw new ApiException(r.statusCode(), "the server answered something that is not JSON");
        return n;
    }

    static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
