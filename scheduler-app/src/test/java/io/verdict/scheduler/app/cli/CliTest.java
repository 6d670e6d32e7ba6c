package io.verdict.scheduler.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.verdict.scheduler.app.serve.ServeCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a real embedded server started in this JVM: what an operator's terminal session sees. */
class CliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static ServeCommand.Running svc;
    static String url;
    static String token;
    static String readOnly;

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path data = dir.resolve("data");
        svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1", "--demo", "--demo-images", "200",
                "--data-dir", data.toString(), "--workers", "2"), new PrintStream(new ByteArrayOutputStream()),
                Map.of("SCHEDULER_SIM_LATENCY_MS", "0", "SCHEDULER_RUNS_EVIDENCE_BUNDLES", "true"));
        url = "http://127.0.0.1:" + svc.port();
        token = cli("token", "--tenant", "demo", "--data-dir", data.toString(), "--scope",
                "runs.read,scheduler.runs.write,scheduler.runs.manage,scheduler.schedules.read,scheduler.schedules.write,downloads.read").out().trim();
        readOnly = cli("token", "--tenant", "demo", "--data-dir", data.toString(), "--scope", "runs.read").out().trim();
    }

    @AfterAll
    static void stop() {
        svc.close();
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A client command with --url and --token appended. */
    static Result api(String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        a.addAll(List.of("--url", url, "--token", token));
        return cli(a.toArray(String[]::new));
    }

    static JsonNode http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void helpVersionAndUsageErrorsNameTheFlag() {
        Result help = cli("serve", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--port", "--data-dir", "--demo");
        assertThat(cli("runs", "watch", "--help").out()).contains("--url", "--token", "-o");
        assertThat(cli("--version").out()).contains("verdict-scheduler");
        assertThat(cli("help", "runs", "watch").out()).contains("Usage: scheduler runs watch");
        assertThat(cli("help").out()).contains("runs", "schedules", "images", "events", "completion");
        Result unknown = cli("demo", "--colour");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--colour");
        Result missing = cli("runs", "export", "--run", "x", "--url", url, "--token", token);
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--bundle");
        Result noToken = cli("runs", "list", "--url", url);
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("--token");
        Result badOutput = api("runs", "list", "-o", "yaml");
        assertThat(badOutput.code()).isEqualTo(2);
        assertThat(badOutput.err()).contains("-o");
        assertThat(cli("fly").code()).isEqualTo(2);
    }

    @Test
    void previewSubmitWatchGetExportAndVerifyARun() throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"purls\":[\"pkg:npm/lodash@4.17.20\"],\"selector\":{\"scope\":\"all-images\"}}");
        Result preview = api("runs", "preview", "--tenant", "demo", "--file", keys.toString(), "-o", "json");
        assertThat(preview.code()).as(preview.err()).isZero();
        assertThat(preview.json().get("total")).isEqualTo(http("POST", "/api/v1/scheduler/preview", Files.readString(keys)).get("total"));

        Path request = dir.resolve("run.json");
        Files.writeString(request, "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"payments\"]},\"reason\":\"cli\"}");
        Result submitted = api("runs", "submit", "--bundle", request.toString(), "-o", "json");
        assertThat(submitted.code()).as(submitted.err()).isZero();
        String runId = submitted.json().get("id").asText();
        assertThat(submitted.json().get("trigger").asText()).isEqualTo("manual");

        Result watched = api("runs", "watch", runId, "-o", "jsonl");
        assertThat(watched.code()).as(watched.err()).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : watched.out().split("\n")) if (!line.isBlank()) events.add(JSON.readTree(line));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("stateChanged");
            assertThat(e.get("data").get("state").asText()).isEqualTo("completed");
        });

        Result got = api("runs", "get", "--run", runId, "-o", "json");
        assertThat(got.json()).isEqualTo(http("GET", "/api/v1/scheduler/runs/" + runId, null));
        assertThat(api("runs", "get", runId, "-o", "name").out().trim()).isEqualTo(runId);
        Result table = api("runs", "list", "-o", "table");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("ID", "TRIGGER", "STATE", "PROGRESS");
        assertThat(table.out()).contains(runId);

        Path bundle = dir.resolve("evidence.tar.gz");
        Result exported = api("runs", "export", "--run", runId, "--bundle", bundle.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        Result verified = cli("runs", "verify", "--bundle", bundle.toString(), "--public-key",
                dir.resolve("data").resolve("evidence-ed25519.pub").toString());
        assertThat(verified.code()).as(verified.out()).isZero();
        assertThat(verified.out()).startsWith("OK");

        // An unknown run: the API's problem is printed, not a stack trace.
        Result cancel = api("runs", "cancel", "--run", "run:demo:20260101T000000Z:000000000000");
        assertThat(cancel.code()).isEqualTo(1);
        assertThat(cancel.err()).startsWith("error: ").contains("HTTP 404").doesNotContain("Exception");
    }

    @Test
    void replayReproducesAnExportedBundleOfflineAndATamperedOneIsNotReproduced() throws Exception {
        Path request = dir.resolve("replay-run.json");
        Files.writeString(request, "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"payments\"]},\"reason\":\"replay\"}");
        String runId = api("runs", "submit", "--bundle", request.toString(), "-o", "json").json().get("id").asText();
        assertThat(api("runs", "watch", runId, "-o", "jsonl").code()).isZero();
        Path bundle = dir.resolve("replay.tar.gz");
        assertThat(api("runs", "export", "--run", runId, "--bundle", bundle.toString()).code()).isZero();
        String planDigest = http("GET", "/api/v1/scheduler/runs/" + runId, null).get("planDigest").asText();

        // Offline: no --url, no token, the server is not asked.
        Result replay = cli("runs", "replay", "--bundle", bundle.toString(), "-o", "json", "--public-key",
                dir.resolve("data").resolve("evidence-ed25519.pub").toString());
        assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.json().get("reproduced").asBoolean()).isTrue();
        assertThat(replay.json().get("replayedPlanDigest").asText()).isEqualTo(planDigest);
        assertThat(replay.json().get("signature").asText()).isEqualTo("valid");
        Result table = cli("runs", "replay", "--bundle", bundle.toString(), "-o", "table");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("RUN", "REPRODUCED", "REPLAYED PLAN DIGEST");
        assertThat(table.out()).contains(planDigest);

        var files = new java.util.TreeMap<>(io.verdict.scheduler.evidence.DeterministicTar.read(Files.readAllBytes(bundle)));
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        files.put("manifest.json", manifest.replace("\"segmentSize\":", "\"segmentSize\":1").getBytes(StandardCharsets.UTF_8));
        Path tampered = dir.resolve("tampered.tar.gz");
        Files.write(tampered, io.verdict.scheduler.evidence.DeterministicTar.write(files));
        Result bad = cli("runs", "replay", "--bundle", tampered.toString(), "-o", "json");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.json().get("reproduced").asBoolean()).isFalse();
        assertThat(bad.json().get("replayedPlanDigest").asText()).isNotEqualTo(planDigest);
        assertThat(cli("runs", "replay", "--bundle", dir.resolve("nope.tar.gz").toString()).code()).isEqualTo(2);
    }

    @Test
    void listsAsJsonEqualTheApiAndForbiddenIsReported() throws Exception {
        Result runs = api("runs", "list", "-o", "json");
        assertThat(runs.json()).isEqualTo(http("GET", "/api/v1/scheduler/runs", null));
        Result schedules = api("schedules", "list", "-o", "json");
        assertThat(schedules.json()).isEqualTo(http("GET", "/api/v1/scheduler/schedules", null));
        Result jsonl = api("schedules", "list", "-o", "jsonl");
        assertThat(jsonl.out().lines().count()).isEqualTo(schedules.json().get("items").size());

        Result denied = cli("runs", "cancel", "--run", "run:demo:x:y", "--url", url, "--token", readOnly);
        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.err()).contains("HTTP 403");
    }

    @Test
    void schedulesPauseResumeNextAndDecisions() throws Exception {
        String id = api("schedules", "list", "-o", "json").json().get("items").get(0).get("id").asText();
        Result paused = api("schedules", "pause", id, "-o", "json");
        assertThat(paused.code()).as(paused.err()).isZero();
        assertThat(paused.json().get("schedule").get("enabled").asBoolean()).isFalse();
        Result resumed = api("schedules", "resume", id, "-o", "json");
        assertThat(resumed.json().get("schedule").get("enabled").asBoolean()).isTrue();
        assertThat(resumed.json().hasNonNull("earliestNextRun")).isTrue();
        Result next = api("schedules", "next", id, "--count", "3", "-o", "json");
        assertThat(next.code()).as(next.err()).isZero();
        assertThat(next.json().toString()).contains(id);
        Result decisions = api("schedules", "decisions", id, "-o", "json");
        assertThat(decisions.code()).as(decisions.err()).isZero();
        Result gone = api("schedules", "get", "no-such-schedule");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("HTTP 404");
    }

    @Test
    void completionScriptsForBashAndZsh() {
        Result bash = cli("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F", "runs", "schedules");
        assertThat(cli("completion", "zsh").out()).contains("bashcompinit");
        assertThat(cli("completion", "fish").code()).isEqualTo(2);
    }
}
