package io.verdict.scheduler.app.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.verdict.scheduler.app.Main;
import io.verdict.scheduler.app.cluster.NodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator's log collector receives from a real {@code serve} process. */
class ServeLogsTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:/\\s]+:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void serveWritesJsonLinesWithTenantRouteAndCorrelationIdAndLogsItsShutdown() throws Exception {
        List<JsonNode> lines;
        try (NodeProcess node = NodeProcess.start("serve", dir, Map.of(), "serve", "--port", "0", "--data-dir",
                dir.resolve("data").toString())) {
            int port = Integer.parseInt(node.await(LISTENING, Duration.ofSeconds(60)));
            String token = token(dir.resolve("data"));
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/v1/scheduler/runs"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("X-Correlation-Id", "corr-logs-1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"logs\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isLessThan(300);
            node.await(Pattern.compile("(corr-logs-1)\"[^\\n]*\"route\""), Duration.ofSeconds(10));
            // The run's milestones reach the log through the outbox, with its tenant, run and correlation IDs.
            node.await(Pattern.compile("\"message\":\"(run\\.completed) run:demo:"), Duration.ofSeconds(30));
            node.close(); // SIGTERM, as an orchestrator stops it
            lines = jsonLines(node.output());
        }
        JsonNode access = lines.stream().filter(l -> "corr-logs-1".equals(l.path("correlationId").asText())
                && l.has("route")).findFirst().orElseThrow();
        assertThat(access.path("route").asText()).isEqualTo("/api/v1/scheduler/runs");
        assertThat(access.path("method").asText()).isEqualTo("POST");
        assertThat(access.path("tenantId").asText()).isEqualTo("demo");
        assertThat(access.path("status").asText()).isEqualTo(Integer.toString(201));
        assertThat(access.path("level").asText()).isEqualTo("INFO");
        assertThat(access.toString()).doesNotContain("Bearer").doesNotContain("logs\\\"");
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("message").asText()).startsWith("run.completed ");
            assertThat(l.path("tenantId").asText()).isEqualTo("demo");
            assertThat(l.path("runId").asText()).startsWith("run:demo:");
            assertThat(l.path("correlationId").asText()).isEqualTo("corr-logs-1");
        });
        // The manage action's audit record: exactly one line, with its tenant, correlation ID and actor as keys.
        List<JsonNode> audit = lines.stream().filter(l -> l.path("message").asText().startsWith("audit run.create ")).toList();
        assertThat(audit).singleElement().satisfies(l -> {
            assertThat(l.path("tenantId").asText()).isEqualTo("demo");
            assertThat(l.path("correlationId").asText()).isEqualTo("corr-logs-1");
            assertThat(l.path("action").asText()).isEqualTo("run.create");
            assertThat(l.path("runId").asText()).startsWith("run:demo:");
            assertThat(l.path("actor").asText()).isNotBlank();
            assertThat(l.path("logger_name").asText()).isEqualTo("scheduler.audit");
        });
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).contains("shutdown requested"));
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).startsWith("stopped in"));
    }

    @Test
    void textFormatOnRequestAndABadFormatIsAUsageError() throws Exception {
        try (NodeProcess node = NodeProcess.start("serve-text", dir, Map.of("SCHEDULER_LOG_FORMAT", "text"), "serve",
                "--port", "0", "--data-dir", dir.resolve("data").toString())) {
            node.await(LISTENING, Duration.ofSeconds(60));
            node.await(Pattern.compile("(INFO) +scheduler\\.serve - listening on"), Duration.ofSeconds(10));
            assertThat(jsonLines(node.output())).isEmpty();
        }
        try (NodeProcess bad = NodeProcess.start("serve-bad", dir, Map.of("SCHEDULER_LOG_FORMAT", "xml"), "serve",
                "--port", "0", "--data-dir", dir.resolve("data").toString())) {
            bad.await(Pattern.compile("(SCHEDULER_LOG_FORMAT must be json or text)"), Duration.ofSeconds(30));
        }
    }

    private static String token(Path dataDir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"token", "--tenant", "demo", "--scope", "scheduler.runs.read,scheduler.runs.write",
                "--data-dir", dataDir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(rc).isZero();
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    private static List<JsonNode> jsonLines(String output) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("{")) continue;
            try {
                out.add(JSON.readTree(line));
            } catch (Exception notJson) {
                // a printed banner line that happens to start with '{' is not a log line
            }
        }
        return out;
    }
}
