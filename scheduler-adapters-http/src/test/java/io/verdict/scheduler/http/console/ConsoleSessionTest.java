package io.verdict.scheduler.http.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.security.session.SessionAuth;
import io.verdict.scheduler.http.support.TestKeys;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console page and its session: HTML beside JSON, token → cookie exchange, CSRF, sign-out, SSE, one-time link, CORS. */
class ConsoleSessionTest {
    static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static TestServer t;
    static String runId;

    @BeforeAll
    static void start() {
        t = new TestServer();
        t.indexImages("acme", 6, "payments", List.of("pkg:npm/lodash@4.17.20"));
        Resp created = t.post("/api/v1/scheduler/runs", t.token("acme"), """
                {"selector":{"scope":"all-images"},"reason":"console test"}""");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        runId = created.json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String signIn(String token) {
        Resp r = t.post("/console/session", null, "{\"token\":\"" + token + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return cookieValue(r.header("Set-Cookie"));
    }

    static String cookieValue(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static Resp withCookie(String method, String path, String cookie, String csrf, String body) {
        Map<String, String> h = new java.util.HashMap<>(Map.of("Cookie", cookie));
        if (csrf != null) h.put(SessionAuth.CSRF_HEADER, csrf);
        return t.send(method, path, null, body, h);
    }

    @Test
    void browsersGetThePageOnTheConsolePathsAndApiClientsKeepTheirJson() {
        Resp page = t.send("GET", "/console/runs", null, null, Map.of("Accept", HTML));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/assets/app.js\"");
        Resp deep = t.send("GET", "/console/runs/" + runId, null, null, Map.of("Accept", HTML));
        assertThat(deep.status()).isEqualTo(200);
        assertThat(deep.body()).isEqualTo(page.body()).doesNotContain(runId);

        Resp json = t.send("GET", "/console/runs", null, null, Map.of("Accept", "application/json"));
        assertThat(json.status()).isEqualTo(401);
        assertThat(json.isProblem()).isTrue();
        assertThat(t.get("/console/runs", t.token("acme")).json().get("items").isArray()).isTrue();

        Resp asset = t.get("/console/assets/app.js", null);
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.header("Content-Type")).startsWith("text/javascript");
        assertThat(t.get("/console/assets/..%2Fopenapi.json", null).status()).isEqualTo(404);
        assertThat(t.get("/console/assets/missing.js", null).status()).isEqualTo(404);

        Resp root = t.send("GET", "/", null, null, Map.of("Accept", HTML));
        assertThat(root.status()).isEqualTo(303);
        assertThat(root.header("Location")).isEqualTo("/console/runs");
        assertThat(t.get("/", null).status()).isEqualTo(404);
    }

    @Test
    void aPastedTokenBecomesAStrictHttpOnlyCookieThatExpiresWithIt() {
        Instant exp = Instant.now().plusSeconds(600);
        String token = t.keys.es256(TestKeys.claims("acme", "runs.read").expirationTime(Date.from(exp)).build());
        Resp r = t.post("/console/session", null, "{\"token\":\"Bearer " + token + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).startsWith(SessionAuth.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain("Secure").doesNotContain(token);
        long maxAge = Long.parseLong(setCookie.replaceAll(".*Max-Age=(\\d+).*", "$1"));
        assertThat(maxAge).isBetween(590L, 600L);
        JsonNode view = r.json();
        assertThat(view.get("subject").asText()).isEqualTo("alice@test");
        assertThat(view.get("tenants").toString()).isEqualTo("[\"acme\"]");
        assertThat(view.get("scopes").toString()).isEqualTo("[\"scheduler.runs.read\"]");
        assertThat(view.get("csrfToken").asText()).hasSizeGreaterThan(30);
        assertThat(view.get("flags").get("sseEnabled").asBoolean()).isTrue();
        assertThat(r.body()).doesNotContain(token);

        // Behind a TLS-terminating proxy the cookie is Secure.
        Resp tls = t.send("POST", "/console/session", null, "{\"token\":\"" + token + "\"}", Map.of("X-Forwarded-Proto", "https"));
        assertThat(tls.header("Set-Cookie")).contains("; Secure");

        // Tokens the API refuses are refused here too, and no cookie is set.
        String expired = t.keys.es256(TestKeys.claims("acme", "runs.read").expirationTime(Date.from(Instant.now().minusSeconds(60))).build());
        for (String bad : List.of(expired, TestKeys.unsigned(TestKeys.claims("acme", "runs.read").build()), "nonsense")) {
            Resp refused = t.post("/console/session", null, "{\"token\":\"" + bad + "\"}");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("Set-Cookie")).isNull();
        }
        Resp empty = t.post("/console/session", null, "{\"token\":\"\"}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("errors").get(0).get("field").asText()).isEqualTo("token");
    }

    @Test
    void theSessionActsWithTheTokensScopesAndTenantAndNeedsCsrfToChangeState() {
        String cookie = signIn(t.token("acme"));
        String csrf = withCookie("GET", "/console/session", cookie, null, null).json().get("csrfToken").asText();

        assertThat(withCookie("GET", "/console/runs", cookie, null, null).json().get("items").size()).isGreaterThan(0);
        assertThat(withCookie("GET", "/console/runs/" + runId, cookie, null, null).status()).isEqualTo(200);

        // another tenant's run through a session: 404, exactly as with the bearer token
        String globex = signIn(t.token("globex"));
        assertThat(withCookie("GET", "/console/runs/" + runId, globex, null, null).status()).isEqualTo(404);

        // a state change with the cookie and no (or a wrong) CSRF token: 403, nothing happens
        Resp noCsrf = withCookie("POST", "/api/v1/scheduler/runs/" + runId + "/cancel", cookie, null, null);
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.json().get("detail").asText()).contains(SessionAuth.CSRF_HEADER);
        assertThat(withCookie("POST", "/api/v1/scheduler/runs/" + runId + "/cancel", cookie, "forged", null).status()).isEqualTo(403);
        assertThat(t.get("/api/v1/scheduler/runs/" + runId, t.token("acme")).json().get("state").asText()).isNotEqualTo("cancelled");

        // with it, the same request is judged by the API's own rules
        Resp cancel = withCookie("POST", "/api/v1/scheduler/runs/" + runId + "/cancel", cookie, csrf, null);
        assertThat(cancel.status()).as(cancel.toString()).isIn(200, 202, 409);

        // a read-only token's session is refused the manage scope (403), CSRF or not
        String readOnly = signIn(t.token("acme", "runs.read"));
        String roCsrf = withCookie("GET", "/console/session", readOnly, null, null).json().get("csrfToken").asText();
        Resp forbidden = withCookie("POST", "/api/v1/scheduler/runs/" + runId + "/retry", readOnly, roCsrf, null);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("detail").asText()).contains("scheduler.runs.manage");
    }

    @Test
    void eventSourceCanOpenTheStreamWithTheCookie() throws Exception {
        String cookie = signIn(t.token("acme"));
        HttpRequest req = HttpRequest.newBuilder(t.uri("/console/runs/" + runId + "/stream"))
                .header("Cookie", cookie).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> r = t.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(r.statusCode()).isIn(200, 204);
            if (r.statusCode() == 200) {
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                var lines = new java.io.BufferedReader(new java.io.InputStreamReader(in));
                String line;
                do line = lines.readLine(); while (line != null && !line.startsWith("id:"));
                assertThat(line).as("the stream's first event").startsWith("id: ");
            }
        }
        HttpRequest anonymous = HttpRequest.newBuilder(t.uri("/console/runs/" + runId + "/stream"))
                .header("Accept", "text/event-stream").build();
        assertThat(t.http.send(anonymous, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
    }

    @Test
    void signOutNeedsTheCsrfTokenAndEndsTheSession() {
        String cookie = signIn(t.token("acme"));
        String csrf = withCookie("GET", "/console/session", cookie, null, null).json().get("csrfToken").asText();
        assertThat(withCookie("DELETE", "/console/session", cookie, null, null).status()).isEqualTo(403);
        Resp out = withCookie("DELETE", "/console/session", cookie, csrf, null);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        assertThat(withCookie("GET", "/console/session", cookie, null, null).status()).isEqualTo(401);
        assertThat(withCookie("GET", "/console/runs", cookie, null, null).status()).isEqualTo(401);
    }

    @Test
    void theOneTimeLinkSignsInOnceAndLandsOnTheRunsPage() {
        String code = t.plane.sessions().oneTimeLink(t.token("acme"), Duration.ofMinutes(5));
        Resp first = t.get("/console/session/link?code=" + code, null);
        assertThat(first.status()).isEqualTo(303);
        assertThat(first.header("Location")).isEqualTo("/console/runs");
        String cookie = cookieValue(first.header("Set-Cookie"));
        assertThat(withCookie("GET", "/console/runs", cookie, null, null).status()).isEqualTo(200);
        assertThat(t.get("/console/session/link?code=" + code, null).status()).isEqualTo(401);
        assertThat(t.get("/console/session/link?code=guess", null).status()).isEqualTo(401);
    }

    @Test
    void corsIsOffByDefaultAndAllowsOnlyTheNamedOriginsWithoutCredentials() {
        Map<String, String> preflight = Map.of("Origin", "https://console.example", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type");
        Resp off = t.send("OPTIONS", "/api/v1/scheduler/runs", null, null, preflight);
        assertThat(off.header("Access-Control-Allow-Origin")).isNull();
        assertThat(t.send("GET", "/healthz", null, null, Map.of("Origin", "https://console.example"))
                .header("Access-Control-Allow-Origin")).isNull();

        try (TestServer on = new TestServer(s -> s.withCorsOrigins(List.of("https://console.example")), b -> b)) {
            Resp pre = on.send("OPTIONS", "/api/v1/scheduler/runs", null, null, preflight);
            assertThat(pre.status()).isEqualTo(204);
            assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("https://console.example");
            assertThat(pre.header("Access-Control-Allow-Headers")).contains("Authorization").contains("Content-Type");
            assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();
            Resp get = on.send("GET", "/console/runs", on.token("acme"), null, Map.of("Origin", "https://console.example"));
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.header("Access-Control-Allow-Origin")).isEqualTo("https://console.example");
            Resp other = on.send("OPTIONS", "/api/v1/scheduler/runs", null, null,
                    Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
            assertThat(other.header("Access-Control-Allow-Origin")).isNull();
        }
    }
}
