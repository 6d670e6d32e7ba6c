package io.verdict.scheduler.http;

import com.nimbusds.jwt.JWTClaimsSet;
import io.verdict.scheduler.http.routes.ApiRoute;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.support.TestKeys;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every declared route × (no token, rejected tokens, missing scope, another tenant) ⇒ 401 / 401 / 403 / 404,
 * always problem+json and never the other tenant's data.
 */
class AuthzMatrixTest {
    static TestServer t;
    static String runId;
    static String scheduleId;
    static String digest;
    static final String POLICY_RUN = "prun-authz";

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer();
        String acme = t.token("acme");
        digest = t.indexImages("acme", 6, "payments", List.of("pkg:npm/lodash@4.17.20")).get(0);
        t.scheduler.startWorkers(1);
        runId = t.post("/api/v1/scheduler/runs", acme, "{\"selector\":{\"scope\":\"all-images\"}}").json().get("id").asText();
        scheduleId = t.post("/api/v1/scheduler/schedules", acme, "{\"name\":\"s\",\"cronExpression\":\"0 1 * * *\"}").json().get("id").asText();
        assertThat(t.post("/api/v1/scheduler/policy/runs", acme, "{\"policyId\":\"P\",\"policyVersion\":1,\"mode\":\"full\",\"runId\":\""
                + POLICY_RUN + "\"}").status()).isEqualTo(202);
        t.scheduler.awaitTerminal("acme", runId, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String path(ApiRoute r) {
        String p = r.path().replace("{scheduleId}", scheduleId).replace("{digest}", digest).replace("{index}", "0")
                .replace("{eventId}", "1");
        if (p.contains("/policy/runs/{runId}")) return p.replace("{runId}", POLICY_RUN);
        return p.replace("{runId}", runId);
    }

    /** A route that reads or changes an existing resource named in its path (as opposed to creating one). */
    static boolean namesAResource(ApiRoute r) {
        return r.path().contains("{runId}") || r.path().contains("{scheduleId}")
                || (r.path().contains("{digest}") && r.method().name().equals("DELETE"));
    }

    static Resp call(ApiRoute r, String token) {
        if (r.path().equals("/console/runs/stream")) return openEndlessStream(path(r), token);
        return t.send(r.method().name(), path(r), token, null, Map.of());
    }

    /** The tenant stream never ends by itself: read the status (and an error's body), then hang up. */
    static Resp openEndlessStream(String path, String token) {
        var b = java.net.http.HttpRequest.newBuilder(t.uri(path)).timeout(Duration.ofSeconds(20));
        if (token != null) b.header("Authorization", "Bearer " + token);
        try {
            var res = t.http.send(b.GET().build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            try (var in = res.body()) {
                String body = res.statusCode() == 200 ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                return new Resp(res.statusCode(), res.headers().map(), body);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<ApiRoute> protectedRoutes() {
        return t.plane.routes().stream().filter(r -> !r.isPublic()).toList();
    }

    @Test
    void noTokenIs401OnEveryProtectedRoute() {
        assertThat(protectedRoutes()).hasSizeGreaterThan(30);
        for (ApiRoute r : protectedRoutes()) {
            Resp resp = call(r, null);
            assertThat(resp.status()).as(r.describe()).isEqualTo(401);
            assertThat(resp.isProblem()).as(r.describe()).isTrue();
            assertThat(resp.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(resp.body()).doesNotContain(runId).doesNotContain(scheduleId);
        }
        for (ApiRoute r : t.plane.routes().stream().filter(ApiRoute::isPublic).toList()) {
            assertThat(call(r, null).status()).as(r.describe()).isEqualTo(200);
        }
    }

    @Test
    void rejectedTokensAre401() {
        TestKeys k = t.keys;
        Instant now = Instant.now();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("alg none", TestKeys.unsigned(TestKeys.claims("acme", TestServer.ALL_SCOPES).build()));
        bad.put("wrong issuer", k.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).issuer("https://evil.test").build()));
        bad.put("wrong audience", k.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).audience("another-service").build()));
        bad.put("expired", k.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).expirationTime(Date.from(now.minusSeconds(120))).build()));
        bad.put("not yet valid", k.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).notBeforeTime(Date.from(now.plusSeconds(600))).build()));
        bad.put("unknown key", k.es256WithStranger(TestKeys.claims("acme", TestServer.ALL_SCOPES).build()));
        bad.put("no subject", k.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).subject(null).build()));
        bad.put("garbage", "not.a.jwt");
        String good = k.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).build());
        bad.put("tampered", good.substring(0, good.indexOf('.') + 1)
                + com.nimbusds.jose.util.Base64URL.encode(TestKeys.claims("acme", "scheduler.admin").build().toString())
                + good.substring(good.lastIndexOf('.')));
        for (ApiRoute r : protectedRoutes()) {
            for (var e : bad.entrySet()) {
                Resp resp = call(r, e.getValue());
                assertThat(resp.status()).as(r.describe() + " with " + e.getKey()).isEqualTo(401);
                assertThat(resp.isProblem()).isTrue();
            }
            Resp basic = t.send(r.method().name(), path(r), null, null, Map.of("Authorization", "Basic YTpi"));
            assertThat(basic.status()).as(r.describe() + " with Basic auth").isEqualTo(401);
        }
    }

    @Test
    void missingScopeIs403() {
        String none = t.token("acme", "");
        for (ApiRoute r : protectedRoutes()) {
            String allButRequired = Arrays.stream(Scope.values()).filter(s -> s != r.scope() && s != Scope.ADMIN)
                    .map(Scope::wire).collect(Collectors.joining(" "));
            for (String token : List.of(none, t.token("acme", allButRequired))) {
                Resp resp = call(r, token);
                assertThat(resp.status()).as(r.describe()).isEqualTo(403);
                assertThat(resp.isProblem()).isTrue();
                assertThat(resp.json().get("detail").asText()).contains(r.scope().wire());
                assertThat(resp.body()).doesNotContain(runId).doesNotContain(scheduleId);
            }
        }
    }

    @Test
    void anotherTenantGets404ForResourcesAndNeverSeesThem() {
        String globex = t.token("globex");
        for (ApiRoute r : protectedRoutes()) {
            Resp resp = call(r, globex);
            assertThat(resp.status()).as(r.describe()).isLessThan(500);
            assertThat(resp.body()).as(r.describe()).doesNotContain("\"tenantId\":\"acme\"").doesNotContain("planDigest")
                    .doesNotContain("cronExpression");
            if (namesAResource(r)) {
                assertThat(resp.status()).as(r.describe()).isEqualTo(404);
                assertThat(resp.isProblem()).isTrue();
                // indistinguishable from an ID that does not exist at all
                String missing = path(r).replace(runId, "run:acme:20250101T000000Z:000000000000")
                        .replace(scheduleId, "sch_missing").replace(POLICY_RUN, "prun-missing")
                        .replace(digest, TestServer.digest("never-indexed"));
                Resp absent = t.send(r.method().name(), missing, t.token("acme"), null, Map.of());
                assertThat(absent.status()).as(r.describe() + " absent").isEqualTo(404);
                assertThat(absent.json().get("code")).isEqualTo(resp.json().get("code"));
            } else {
                assertThat(resp.body()).as(r.describe()).doesNotContain(runId).doesNotContain(scheduleId)
                        .doesNotContain(digest.substring(7));
            }
        }
    }

    @Test
    void theRightScopeOrAdminPassesTheGate() {
        for (ApiRoute r : protectedRoutes()) {
            for (String token : List.of(t.token("acme", r.scope().wire()), t.token("acme", "scheduler.admin"))) {
                Resp resp = call(r, token);
                assertThat(resp.status()).as(r.describe() + " " + resp.body()).isNotIn(401, 403).isLessThan(500);
            }
        }
    }

    static List<ApiRoute> getRoutes() {
        return protectedRoutes().stream().filter(r -> r.method().name().equals("GET")).toList();
    }

    static Resp head(ApiRoute r, String token) {
        return t.send("HEAD", path(r), token, null, Map.of());
    }

    @Test
    void headIsAuthenticatedExactlyLikeGet() {
        assertThat(getRoutes()).hasSizeGreaterThan(15);
        String none = t.token("acme", "");
        for (ApiRoute r : getRoutes()) {
            Resp anonymous = head(r, null);
            assertThat(anonymous.status()).as("HEAD " + r.path() + " without token").isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(head(r, "not.a.jwt").status()).as("HEAD " + r.path() + " with garbage").isEqualTo(401);
            String allButRequired = Arrays.stream(Scope.values()).filter(s -> s != r.scope() && s != Scope.ADMIN)
                    .map(Scope::wire).collect(Collectors.joining(" "));
            for (String token : List.of(none, t.token("acme", allButRequired))) {
                assertThat(head(r, token).status()).as("HEAD " + r.path() + " lacking scope").isEqualTo(403);
            }
            // With the right token HEAD answers what GET answers (minus the body).
            String right = t.token("acme", r.scope().wire());
            Resp get = t.send("GET", path(r), right, null, Map.of("Accept", "application/json"));
            Resp headOk = t.send("HEAD", path(r), right, null, Map.of("Accept", "application/json"));
            assertThat(headOk.status()).as("HEAD " + r.path()).isEqualTo(get.status());
            assertThat(headOk.body()).isEmpty();
            if (namesAResource(r)) {
                assertThat(head(r, t.token("globex")).status()).as("HEAD " + r.path() + " other tenant").isEqualTo(404);
            }
        }
        assertThat(t.send("HEAD", "/api/v1/scheduler/no-such-thing", t.token("acme"), null, Map.of()).status())
                .isEqualTo(404);
        assertThat(t.send("HEAD", "/healthz", null, null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void wrongMethodOnAnExistingPathIs405WithAllow() {
        Map<String, List<String>> methodsByPath = protectedRoutes().stream().collect(Collectors.groupingBy(ApiRoute::path,
                Collectors.mapping(r -> r.method().name(), Collectors.toList())));
        int getOnly = 0;
        for (var e : methodsByPath.entrySet()) {
            if (!e.getValue().equals(List.of("GET"))) continue;
            getOnly++;
            ApiRoute r = protectedRoutes().stream().filter(x -> x.path().equals(e.getKey())).findFirst().orElseThrow();
            for (String token : new String[]{null, t.token("acme")}) {
                Resp resp = t.send("POST", path(r), token, "{}", Map.of());
                assertThat(resp.status()).as("POST " + r.path()).isEqualTo(405);
                assertThat(resp.header("Allow")).as("POST " + r.path()).isEqualTo("GET, HEAD");
                assertThat(resp.isProblem()).isTrue();
                assertThat(resp.json().get("code").asText()).isEqualTo("ERR_API_405");
            }
        }
        assertThat(getOnly).isGreaterThan(5);
        Resp delete = t.delete("/api/v1/scheduler/schedules", t.token("acme"));
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.header("Allow")).isEqualTo("GET, HEAD, POST");
        Resp get = t.get("/api/v1/scheduler/runs/" + runId + "/cancel", t.token("acme"));
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
        // A trailing slash is the same path; an unknown path stays 404.
        assertThat(t.send("PUT", "/api/v1/scheduler/schedules/", null, "{}", Map.of()).header("Allow")).isEqualTo("GET, HEAD, POST");
        Resp unknown = t.post("/api/v1/scheduler/nothing-here", t.token("acme"), "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Allow")).isNull();
    }

    @Test
    void scopeAliasesAreAccepted() {
        Resp list = t.get("/console/runs", t.token("acme", "runs.read"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(runId);
        assertThat(t.post("/api/v1/scheduler/runs/" + runId + "/cancel", t.token("acme", "runs.manage"), null).status()).isEqualTo(200);
    }

    @Test
    void everyAlgorithmConfiguredIsAccepted() {
        JWTClaimsSet claims = TestKeys.claims("acme", "scheduler.runs.read").build();
        for (String token : List.of(t.keys.es256(claims), t.keys.rs256(claims), t.keys.eddsa(claims))) {
            assertThat(t.get("/api/v1/scheduler/runs/" + runId, token).status()).isEqualTo(200);
        }
    }
}
