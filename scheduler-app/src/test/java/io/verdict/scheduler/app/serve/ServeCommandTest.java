package io.verdict.scheduler.app.serve;

import io.verdict.scheduler.app.Main;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's session: serve --demo, mint a token with the same data directory, start a manual run, watch it. */
class ServeCommandTest {
    @TempDir
    Path data;

    @Test
    void tokenFromTheCommandLineDrivesAManualRunWatchedOverSse() throws Exception {
        ByteArrayOutputStream started = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("SCHEDULER_SIM_LATENCY_MS", "0");
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1", "--demo",
                "--demo-images", "300", "--data-dir", data.toString(), "--workers", "2"), new PrintStream(started), env)) {
            String banner = started.toString(StandardCharsets.UTF_8);
            assertThat(banner).contains("listening on http://127.0.0.1:" + svc.port()).contains("token --tenant demo")
                    .contains("(created now)").contains("demo estate: 300 images");

            ByteArrayOutputStream tok = new ByteArrayOutputStream();
            assertThat(Main.run(new String[]{"token", "--tenant", "demo", "--scope", "runs.read,scheduler.runs.write",
                    "--data-dir", data.toString()}, new PrintStream(tok), System.err)).isZero();
            String token = tok.toString(StandardCharsets.UTF_8).trim();

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + svc.port();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/scheduler/runs"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"first run\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String runId = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

            HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/console/runs/" + runId + "/stream")).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            List<String> lines = stream.body().toList();
            assertThat(lines).contains("event: stateChanged", "event: segmentProgress");
            assertThat(lines.stream().filter(l -> l.contains("\"state\":\"completed\"") && l.contains("runId")).count()).isPositive();

            HttpResponse<String> forbidden = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/scheduler/runs/" + runId + "/cancel"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forbidden.statusCode()).as("the token lacks runs.manage").isEqualTo(403);
        }

        // the key survives: a second start reuses it, and tokens minted before stay valid
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1",
                "--data-dir", data.toString(), "--workers", "0"), new PrintStream(again), Map.of())) {
            assertThat(again.toString(StandardCharsets.UTF_8)).doesNotContain("(created now)");
        }
    }

    @Test
    void tokenCommandRefusesBadInput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err);
        PrintStream o = new PrintStream(new ByteArrayOutputStream());
        assertThat(Main.run(new String[]{"token", "--data-dir", data.toString()}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"token", "--tenant", "demo", "--scope", "root", "--data-dir", data.toString()}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"token", "--tenant", "demo", "--ttl", "1", "--data-dir", data.toString()}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"serve", "--port", "70000", "--data-dir", data.toString()}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tenant is required").contains("unknown scope 'root'")
                .contains("SCHEDULER_HTTP_PORT");
    }

    @Test
    void withTheDevelopmentKeyItListensOnLoopbackUnlessToldOtherwise() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--data-dir", data.toString(),
                "--workers", "0"), new PrintStream(out), Map.of())) {
            assertThat(svc.plane().boundHost()).isEqualTo("127.0.0.1");
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("listening on http://127.0.0.1:" + svc.port());
        }
        ByteArrayOutputStream wide = new ByteArrayOutputStream();
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--data-dir", data.toString(),
                "--workers", "0"), new PrintStream(wide), Map.of("SCHEDULER_HTTP_HOST", "0.0.0.0"))) {
            assertThat(svc.plane().boundHost()).isEqualTo("0.0.0.0");
            assertThat(wide.toString(StandardCharsets.UTF_8)).contains("listening on http://0.0.0.0:" + svc.port()
                    + " (all interfaces)").contains("development signing key").contains("SCHEDULER_METRICS_TOKEN");
        }
        assertThat(ServeCommand.host(null, null, false)).as("an external JWKS: all interfaces").isEqualTo("0.0.0.0");
        assertThat(ServeCommand.host("10.1.2.3", "0.0.0.0", true)).as("--host wins").isEqualTo("10.1.2.3");
    }

    @Test
    void tokenRefusesToMintWithoutAKeyUnlessInitAndNamesTheDataDir() throws Exception {
        Path empty = data.resolve("elsewhere");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"token", "--tenant", "demo", "--data-dir", empty.toString()},
                new PrintStream(out), new PrintStream(err))).isEqualTo(2);
        assertThat(out.size()).as("no token printed").isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no signing key in data dir "
                + empty.toAbsolutePath().normalize()).contains("--init");
        assertThat(java.nio.file.Files.exists(empty.resolve("keys"))).as("nothing created").isFalse();

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"token", "--tenant", "demo", "--data-dir", empty.toString(), "--init"},
                new PrintStream(out), new PrintStream(err2))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("data dir " + empty.toAbsolutePath().normalize())
                .contains("key created now");
    }

    @Test
    void dataDirectoryIsPrivate() throws Exception {
        Path dir = data.resolve("private");
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--data-dir", dir.toString(),
                "--workers", "0"), new PrintStream(new ByteArrayOutputStream()), Map.of())) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            try (var files = java.nio.file.Files.walk(dir)) {
                var regular = files.filter(java.nio.file.Files::isRegularFile).toList();
                assertThat(regular).extracting(p -> p.getFileName().toString()).contains("scheduler.db");
                for (Path f : regular) {
                    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            java.nio.file.Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
                }
            }
        }
    }
}
