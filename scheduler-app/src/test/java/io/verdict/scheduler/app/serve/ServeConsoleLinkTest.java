package io.verdict.scheduler.app.serve;

import io.verdict.scheduler.app.cli.UsageException;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code serve --demo} prints a one-time console sign-in link for tenant demo; SCHEDULER_CORS_ORIGINS is read and checked. */
class ServeConsoleLinkTest {
    @TempDir
    Path data;

    @Test
    void theDemoBannerCarriesAOneTimeSignInLinkAndCorsOriginsAreHonoured() throws Exception {
        ByteArrayOutputStream started = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("SCHEDULER_SIM_LATENCY_MS", "0", "SCHEDULER_CORS_ORIGINS", "https://ops.example:8443");
        try (ServeCommand.Running svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1", "--demo",
                "--demo-images", "50", "--data-dir", data.toString(), "--workers", "0"), new PrintStream(started), env)) {
            String banner = started.toString(StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("http://localhost:" + svc.port() + "(/console/session/link\\?code=[A-Za-z0-9_-]+)").matcher(banner);
            assertThat(m.find()).as(banner).isTrue();
            HttpClient http = HttpClient.newHttpClient(); // does not follow redirects
            URI link = URI.create("http://127.0.0.1:" + svc.port() + m.group(1));
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(303);
            assertThat(first.headers().firstValue("Location")).hasValue("/console/runs");
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");

            HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + svc.port() + "/console/session"))
                    .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(session.statusCode()).isEqualTo(200);
            assertThat(session.body()).contains("\"tenants\":[\"demo\"]").contains("scheduler.runs.manage");

            assertThat(http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("the link works once").isEqualTo(401);

            HttpResponse<String> cors = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + svc.port() + "/healthz"))
                    .header("Origin", "https://ops.example:8443").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cors.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ops.example:8443");
        }
    }

    @Test
    void aMalformedCorsOriginIsAStartError() {
        assertThatThrownBy(() -> ServeCommand.httpSettings(Map.of("SCHEDULER_CORS_ORIGINS", "https://ok.example, *")))
                .isInstanceOf(UsageException.class).hasMessageContaining("SCHEDULER_CORS_ORIGINS");
        assertThatThrownBy(() -> ServeCommand.httpSettings(Map.of("SCHEDULER_CORS_ORIGINS", "https://ops.example/console")))
                .isInstanceOf(UsageException.class).hasMessageContaining("no path");
    }
}
