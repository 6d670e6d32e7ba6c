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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code audit list} against a real embedded server in this JVM (as {@link CliTest}): rows, JSON, paging, bad flags. */
class AuditCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static ServeCommand.Running svc;
    static String url;
    static String admin;
    static String writer;
    static final List<String> runs = new ArrayList<>();

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path data = dir.resolve("data");
        svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1", "--demo", "--demo-images", "20",
                "--data-dir", data.toString(), "--workers", "1"), new PrintStream(new ByteArrayOutputStream()),
                Map.of("SCHEDULER_SIM_LATENCY_MS", "0"));
        url = "http://127.0.0.1:" + svc.port();
        admin = cli("token", "--tenant", "demo", "--data-dir", data.toString(), "--scope", "scheduler.admin").out().trim();
        writer = cli("token", "--tenant", "demo", "--data-dir", data.toString(), "--scope", "runs.read,scheduler.runs.write").out().trim();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v1/scheduler/runs"))
                    .header("Authorization", "Bearer " + writer).header("Content-Type", "application/json")
                    .header("X-Correlation-Id", "corr-audit-cli-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"audit " + i + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            runs.add(JSON.readTree(r.body()).get("id").asText());
        }
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

    static Result audit(String token, String... args) {
        List<String> a = new ArrayList<>(List.of("audit", "list"));
        a.addAll(Arrays.asList(args));
        a.addAll(List.of("--url", url, "--token", token));
        return cli(a.toArray(String[]::new));
    }

    @Test
    void listPrintsRowsNewestFirstAndJsonOnRequest() throws Exception {
        Result table = audit(admin, "--action", "run.create", "-o", "table");
        assertThat(table.code()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).matches("OCCURRED +ACTOR +ACTION +TARGET");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).contains("run.create").contains(runs.get(2));
        assertThat(lines.get(3)).contains(runs.get(0));

        Result json = audit(admin, "--action", "run.create", "--target", runs.get(1), "--json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode item = json.json().get("items").get(0);
        assertThat(json.json().get("items")).hasSize(1);
        assertThat(item.get("correlationId").asText()).isEqualTo("corr-audit-cli-1");
        assertThat(item.get("tenantId").asText()).isEqualTo("demo");
        assertThat(audit(admin, "--actor", "nobody", "-o", "json").json().get("items")).isEmpty();
        Result window = audit(admin, "--action", "run.create", "--from", "2000-01-01T00:00:00Z", "--to", "2000-01-02T00:00:00Z", "-o", "json");
        assertThat(window.json().get("items")).isEmpty();
    }

    @Test
    void limitAndCursorPageThroughWithoutRepeats() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        Pattern more = Pattern.compile("\\(more: --cursor ([A-Za-z0-9_-]+)\\)");
        for (int page = 0; page < 10; page++) {
            Result r = cursor == null ? audit(admin, "--action", "run.create", "--limit", "1", "-o", "table")
                    : audit(admin, "--action", "run.create", "--limit", "1", "--cursor", cursor, "-o", "table");
            assertThat(r.code()).as(r.err()).isZero();
            r.out().lines().filter(l -> l.contains("run.create")).forEach(seen::add);
            Matcher m = more.matcher(r.out());
            cursor = m.find() ? m.group(1) : null;
            if (cursor == null) break;
        }
        assertThat(seen).hasSize(3).doesNotHaveDuplicates();
        assertThat(seen.get(0)).contains(runs.get(2));
        assertThat(seen.get(2)).contains(runs.get(0));
    }

    @Test
    void badFlagsExitTwoNamingTheFlag() {
        Map<List<String>, String> cases = Map.of(
                List.of("--from", "yesterday"), "--from",
                List.of("--to", "2026-13-01"), "--to",
                List.of("--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z"), "--to",
                List.of("--limit", "0"), "--limit",
                List.of("--limit", "many"), "--limit",
                List.of("--cursor", "%%"), "--cursor",
                List.of("--cursor", "bm90LWEtY3Vyc29y"), "--cursor", // well-formed text the server does not accept
                List.of("--actor", "a".repeat(300)), "--actor",
                List.of("--colour", "red"), "--colour");
        cases.forEach((args, flag) -> {
            Result r = audit(admin, args.toArray(String[]::new));
            assertThat(r.code()).as(args + " " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(args.toString()).contains(flag);
        });
    }

    @Test
    void aTokenWithoutTheAdminScopeFails() {
        Result r = audit(writer);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("403").contains("scheduler.admin");
    }
}
