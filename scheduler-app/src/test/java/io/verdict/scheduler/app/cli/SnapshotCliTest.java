package io.verdict.scheduler.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.verdict.scheduler.app.serve.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline kit: a data directory exported with {@code snapshot export} and imported into an empty one answers
 * {@code /console/runs} and {@code /preview} the same, and re-exporting the import gives the same bytes.
 */
class SnapshotCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> ENV = Map.of("SCHEDULER_SIM_LATENCY_MS", "0", "SCHEDULER_RUNS_EVIDENCE_BUNDLES", "true");
    static final String SCOPES = "runs.read,scheduler.runs.write,scheduler.runs.manage,scheduler.schedules.read,downloads.read";
    static final String PREVIEW = "{\"purls\":[\"pkg:deb/debian/openssl\"],\"selector\":{\"scope\":\"all-images\"}}";

    @TempDir
    Path dir;

    record Answers(JsonNode consoleRuns, JsonNode preview, JsonNode schedules) {}

    static CliTest.Result cli(String... args) {
        return CliTest.cli(args);
    }

    private static ServeCommand.Running serve(Path data, boolean demo) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--data-dir", data.toString(),
                "--workers", "2"));
        if (demo) args.addAll(List.of("--demo", "--demo-images", "60"));
        return ServeCommand.start(args, new PrintStream(new ByteArrayOutputStream()), ENV);
    }

    private static JsonNode http(int port, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isBetween(200, 201);
        return JSON.readTree(r.body());
    }

    private static String token(Path data) {
        return cli("token", "--tenant", "demo", "--data-dir", data.toString(), "--scope", SCOPES).out().trim();
    }

    /** Starts serve on the data dir (no demo seeding), reads the answers, stops it. */
    private static Answers answers(Path data) throws Exception {
        try (ServeCommand.Running svc = serve(data, false)) {
            String token = token(data);
            return new Answers(http(svc.port(), token, "GET", "/console/runs?limit=200", null),
                    http(svc.port(), token, "POST", "/api/v1/scheduler/preview", PREVIEW),
                    http(svc.port(), token, "GET", "/api/v1/scheduler/schedules", null));
        }
    }

    @Test
    void exportImportIntoAnEmptyDataDirGivesTheSameAnswersAndTheSameBytes() throws Exception {
        Path origin = dir.resolve("origin");
        try (ServeCommand.Running svc = serve(origin, true)) {
            String token = token(origin);
            String body = "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"payments\"]},\"reason\":\"kit\"}";
            http(svc.port(), token, "POST", "/api/v1/scheduler/runs", body);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                JsonNode runs = http(svc.port(), token, "GET", "/api/v1/scheduler/runs?limit=200", null).get("items");
                boolean done = runs.size() > 0;
                for (JsonNode r : runs) done &= List.of("completed", "cancelled", "error").contains(r.get("state").asText());
                if (done) break;
                assertThat(System.nanoTime()).as("runs finish").isLessThan(deadline);
                Thread.sleep(50);
            }
        }

        Path kit = dir.resolve("kit.jsonl");
        CliTest.Result exported = cli("snapshot", "export", "--data-dir", origin.toString(), "--file", kit.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.out()).startsWith("exported ");

        Path copy = dir.resolve("copy");
        CliTest.Result imported = cli("snapshot", "import", "--data-dir", copy.toString(), "--file", kit.toString());
        assertThat(imported.code()).as(imported.err()).isZero();

        // Deterministic and faithful: the import exports to the same bytes.
        Path again = dir.resolve("again.jsonl");
        assertThat(cli("snapshot", "export", "--data-dir", copy.toString(), "--file", again.toString()).code()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(kit));

        Answers before = answers(origin);
        Answers after = answers(copy);
        assertThat(before.consoleRuns().get("items").size()).isGreaterThan(0);
        assertThat(after.consoleRuns()).isEqualTo(before.consoleRuns());
        assertThat(after.schedules()).isEqualTo(before.schedules());
        assertThat(before.preview().get("total").asInt()).isGreaterThan(0);
        // The index build stamp is when this process loaded the images; everything the preview resolved is equal.
        assertThat(withoutStamps(after.preview())).isEqualTo(withoutStamps(before.preview()));

        // A second import into the now non-empty store, a tampered file, or a missing file: refused, nothing written.
        CliTest.Result twice = cli("snapshot", "import", "--data-dir", copy.toString(), "--file", kit.toString());
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err()).contains("not empty");
        Path tampered = dir.resolve("tampered.jsonl");
        Files.writeString(tampered, Files.readString(kit).replace("\"demo\"", "\"dem0\""));
        CliTest.Result bad = cli("snapshot", "import", "--data-dir", dir.resolve("other").toString(), "--file", tampered.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--file", "does not match its digest");
        assertThat(cli("snapshot", "export", "--data-dir", dir.resolve("nothing-here").toString(), "--file",
                dir.resolve("x.jsonl").toString()).code()).isEqualTo(2);
    }

    @Test
    void submitWithADataDirRunsTheRequestWithoutAServer() throws Exception {
        Path data = dir.resolve("local");
        try (ServeCommand.Running svc = serve(data, true)) {
            assertThat(svc.port()).isPositive(); // seeds the demo estate, then stops
        }
        Path request = dir.resolve("request.json");
        Files.writeString(request, "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"payments\"]},\"reason\":\"air-gapped\"}");
        CliTest.Result local = cli("runs", "submit", "--bundle", request.toString(), "--data-dir", data.toString(),
                "--tenant", "demo", "-o", "json");
        assertThat(local.code()).as(local.err()).isZero();
        assertThat(local.json().get("state").asText()).isEqualTo("completed");
        assertThat(local.json().get("reason").get("manualReason").asText()).isEqualTo("air-gapped");
        String runId = local.json().get("id").asText();

        // The run is in the data directory: a later serve lists it.
        try (ServeCommand.Running svc = serve(data, false)) {
            String token = token(data);
            assertThat(http(svc.port(), token, "GET", "/api/v1/scheduler/runs/" + runId, null).get("state").asText())
                    .isEqualTo("completed");
        }
        CliTest.Result noTenant = cli("runs", "submit", "--bundle", request.toString(), "--data-dir", data.toString());
        assertThat(noTenant.code()).isEqualTo(2);
        assertThat(noTenant.err()).contains("--tenant");
    }

    private static JsonNode withoutStamps(JsonNode preview) {
        var copy = preview.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(List.of("indexBuiltAt", "generatedAt"));
        return copy;
    }
}
