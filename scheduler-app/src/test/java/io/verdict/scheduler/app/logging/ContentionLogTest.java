package io.verdict.scheduler.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.verdict.scheduler.app.Main;
import io.verdict.scheduler.app.serve.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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

/**
 * Expected contention on the embedded default (planner lock held, a stale schedule version) logs one WARN line
 * per request with the code and no stack trace; it used to write a 3.5 KB ERROR stack trace from the embedded store.
 */
class ContentionLogTest {
    @TempDir
    Path data;

    @Test
    void lockHeldAndVersionConflictAreOneWarnLineEach() throws Exception {
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        captured.setContext(ctx);
        captured.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(captured);
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--data-dir", data.toString(),
                "--workers", "0"), new PrintStream(new ByteArrayOutputStream()), Map.of())) {
            ByteArrayOutputStream tok = new ByteArrayOutputStream();
            assertThat(Main.run(new String[]{"token", "--tenant", "acme", "--data-dir", data.toString()},
                    new PrintStream(tok), new PrintStream(new ByteArrayOutputStream()))).isZero();
            String token = tok.toString(StandardCharsets.UTF_8).trim();
            String base = "http://127.0.0.1:" + svc.port() + "/api/v1/scheduler";
            HttpClient http = HttpClient.newHttpClient();

            // another planner holds the tenant's lock
            assertThat(svc.runtime().sqlStore().orElseThrow().lockService()
                    .tryAcquire("planner:acme", "other-instance", Duration.ofMinutes(5)))
                    .isPresent();
            captured.list.clear();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = send(http, "POST", base + "/runs", token,
                        "{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"contended\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                assertThat(r.body()).contains("ERR_RUN_001");
            }
            HttpResponse<String> created = send(http, "POST", base + "/schedules", token,
                    "{\"name\":\"nightly\",\"cronExpression\":\"0 2 * * *\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            HttpResponse<String> stale = send(http, "PATCH", base + "/schedules/" + id, token,
                    "{\"name\":\"renamed\",\"version\":99}");
            assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);

            List<ILoggingEvent> events = List.copyOf(captured.list);
            assertThat(events).as("no stack trace for expected contention").allMatch(e -> e.getThrowableProxy() == null);
            assertThat(events).as("nothing above WARN").noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
            assertThat(events.stream().filter(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("ERR_RUN_001"))).hasSize(3);
            assertThat(events.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("409")
                    && e.getFormattedMessage().contains("PATCH"))).hasSize(1);
            assertThat(events).allMatch(e -> e.getFormattedMessage().length() < 400);
        } finally {
            root.detachAppender(captured);
        }
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String token, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
