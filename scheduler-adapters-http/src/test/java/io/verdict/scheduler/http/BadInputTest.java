package io.verdict.scheduler.http;

import io.verdict.scheduler.http.routes.ApiRoute;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of generated malformed requests (bodies, types, sizes, media types, IDs, query values, headers):
 * never a 5xx, always problem+json naming a field where one is at fault, and nothing written.
 */
class BadInputTest {
    record Case(String method, String path, String body, Map<String, String> headers) {}

    static final List<String> BODIES = List.of("", "   ", "{", "}", "[]", "null", "123", "\"text\"", "true",
            "{\"unknown\":1}", "{\"a\":1}{\"b\":2}", "{\"name\":1,\"name\":2}", "{'single':'quotes'}", "{\"x\":NaN}",
            "{\"n\":" + "9".repeat(100) + "}", "[".repeat(200) + "]".repeat(200), "{\"s\":\"\\uZZZZ\"}", "\u0000\u0001",
            "{\"eventId\":null}", "{\"selector\":\"all\"}", "{\"selector\":{\"scope\":\"by-galaxy\"}}",
            "{\"purls\":\"pkg:npm/a@1\"}", "{\"purls\":[1,2]}", "{\"components\":[null]}", "{\"cronExpression\":[\"* * * * *\"]}");

    /** Field-level mutations for each body-taking route: wrong types, bad values, out-of-range numbers. */
    static final Map<String, List<String>> FIELD_CASES = Map.of(
            "/api/v1/scheduler/schedules", List.of("{\"name\":5,\"cronExpression\":\"* * * * *\"}",
                    "{\"name\":\"x\",\"cronExpression\":\"every day\"}", "{\"name\":\"x\",\"cronExpression\":\"* * * * *\",\"timezone\":\"+02:00\"}",
                    "{\"name\":\"x\",\"cronExpression\":\"* * * * *\",\"enabled\":\"yes\"}", "{\"name\":\"x\",\"cronExpression\":\"* * * * *\",\"limits\":{\"ratePerSecond\":-1}}",
                    "{\"name\":\"x\",\"cronExpression\":\"* * * * *\",\"onlyIf\":{\"lastReportOlderThanDays\":0}}",
                    "{\"name\":\"x\",\"cronExpression\":\"* * * * *\",\"notify\":{\"minSeverity\":\"apocalyptic\"}}",
                    "{\"name\":\"x\",\"cronExpression\":\"* * * * *\",\"version\":3}", "{\"name\":\"" + "n".repeat(300) + "\",\"cronExpression\":\"* * * * *\"}",
                    "{\"name\":\"x\\u0007\",\"cronExpression\":\"* * * * *\"}"),
            "/api/v1/scheduler/runs", List.of("{\"selector\":{\"scope\":\"all-images\"},\"scheduleId\":\"sch_x\"}", "{}",
                    "{\"selector\":{\"scope\":\"by-namespace\"}}", "{\"selector\":{\"scope\":\"all-images\"},\"mode\":\"turbo\"}",
                    "{\"scheduleId\":\"../../etc\"}", "{\"scheduleId\":\"sch_does_not_exist\"}",
                    "{\"selector\":{\"scope\":\"by-digest\",\"digests\":[\"md5:abc\"]}}", "{\"selector\":{\"scope\":\"all-images\",\"tenantId\":\"other\"}}"),
            "/api/v1/scheduler/preview", List.of("{}", "{\"purls\":[]}", "{\"purls\":[\"npm:lodash\"]}", "{\"purls\":[\"pkg:a/b@1\"],\"sampleSize\":1000}",
                    "{\"vulnerabilityIds\":[\"CVE 2024 1\"]}", "{\"purls\":[\"pkg:a/b@1\"],\"usageOnly\":\"no\"}"),
            "/api/v1/scheduler/events/advisory", List.of("{}", "{\"eventId\":\"e 1\",\"purls\":[\"pkg:a/b@1\"]}", "{\"eventId\":\"e1\"}",
                    "{\"eventId\":\"e1\",\"purls\":[\"pkg:a/b@1\"],\"occurredAt\":\"yesterday\"}", "{\"eventId\":\"e1\",\"purls\":[\"pkg:a/b@1\"],\"priorityPurls\":[\"pkg:c/d@1\"]}",
                    "{\"eventId\":\"e1\",\"purls\":[\"pkg:a/b@1\"],\"tenantId\":\"globex\"}", "{\"eventId\":\"e1\",\"purls\":[\"pkg:a/b@1\"],\"policyRevision\":\"p\"}",
                    "{\"eventId\":\"policy-run:x\",\"purls\":[\"pkg:a/b@1\"]}"),
            "/api/v1/scheduler/events/policy", List.of("{\"eventId\":\"p1\"}", "{\"eventId\":\"p1\",\"policyRevision\":\"r\",\"exportId\":\"x\"}"),
            "/api/v1/scheduler/policy/runs", List.of("{}", "{\"policyId\":\"P\",\"policyVersion\":0,\"mode\":\"full\"}",
                    "{\"policyId\":\"P\",\"policyVersion\":1,\"mode\":\"fast\"}", "{\"policyId\":\"P\",\"policyVersion\":1,\"mode\":\"full\",\"priority\":\"now\"}",
                    "{\"policyId\":\"P\",\"policyVersion\":1,\"mode\":\"full\",\"schemaVersion\":\"v2\"}",
                    "{\"policyId\":\"P\",\"policyVersion\":1,\"mode\":\"full\",\"inputs\":{\"sbomSet\":[\"sbom:1\"]}}",
                    "{\"policyId\":\"P\",\"policyVersion\":\"1\",\"mode\":\"full\"}"),
            "/api/v1/scheduler/images/sha256:" + "a".repeat(64), List.of("{}", "{\"components\":[{\"purl\":\"lodash\"}]}",
                    "{\"components\":[{}]}", "{\"components\":[],\"labels\":{\"k\":1}}", "{\"components\":[],\"tags\":\"latest\"}"));

    static final List<String> BAD_GETS = List.of(
            "/api/v1/scheduler/runs/not-a-run-id", "/api/v1/scheduler/runs/run:acme:bad:zz", "/api/v1/scheduler/runs/%00",
            "/api/v1/scheduler/runs?limit=0", "/api/v1/scheduler/runs?limit=-1", "/api/v1/scheduler/runs?limit=abc",
            "/api/v1/scheduler/runs?limit=99999999999999999999", "/api/v1/scheduler/runs?cursor=%25%25%25",
            "/api/v1/scheduler/runs?cursor=bm90LWEtY3Vyc29y", "/api/v1/scheduler/runs?from=yesterday",
            "/api/v1/scheduler/runs?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z", "/api/v1/scheduler/runs?state=sleeping",
            "/api/v1/scheduler/runs?trigger=whim", "/api/v1/scheduler/runs?errorCode=ERR_NOPE", "/api/v1/scheduler/runs?limit=1&limit=2",
            "/console/runs?tab=everything", "/console/runs?severity=meh", "/console/runs?shard=-3", "/console/runs?shard=x",
            "/console/runs/run:acme:20250101T000000Z:000000000000/events?after=-5",
            "/console/runs/run:acme:20250101T000000Z:000000000000/events?after=x", "/console/runs/bogus/events",
            "/api/v1/scheduler/schedules/..%2F..%2Fetc", "/api/v1/scheduler/schedules/" + "x".repeat(300),
            "/api/v1/scheduler/schedules/sch_x/next?count=0", "/api/v1/scheduler/schedules/sch_x/next?count=1000",
            "/downloads/findings/not-a-run.csv", "/console/runs/x/evidence", "/api/v1/scheduler/policy/runs/a%20b",
            "/api/v1/scheduler/runs/run:acme:20250101T000000Z:000000000000/deltas?cursor=***",
            "/api/v1/scheduler/runs/run:acme:20250101T000000Z:000000000000/segments/x/retry",
            "/api/v1/scheduler/audit?limit=0", "/api/v1/scheduler/audit?cursor=%25%25", "/api/v1/scheduler/audit?from=x",
            "/nope", "/api/v1/scheduler", "/console/runs/%E0%A4%AA/x", "/console/runs/%C0%AF");

    @Test
    void twoHundredMalformedRequestsNeverCauseA5xxOrAWrite() throws Exception {
        try (TestServer t = new TestServer(s -> s.withMaxBodyBytes(64 * 1024), b -> b)) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
            List<Case> cases = new ArrayList<>();
            List<ApiRoute> bodyRoutes = t.plane.routes().stream().filter(r -> !r.isPublic())
                    .filter(r -> List.of("POST", "PUT", "PATCH").contains(r.method().name())).toList();
            for (ApiRoute r : bodyRoutes) {
                String path = r.path().replace("{scheduleId}", "sch_missing").replace("{index}", "0")
                        .replace("{digest}", "sha256:" + "a".repeat(64)).replace("{runId}", "run:acme:20250101T000000Z:000000000000")
                        .replace("{eventId}", "1");
                for (String b : BODIES) cases.add(new Case(r.method().name(), path, b, Map.of()));
                cases.add(new Case(r.method().name(), path, "{\"a\":1}", Map.of("Content-Type", "text/plain")));
                cases.add(new Case(r.method().name(), path, "a=1", Map.of("Content-Type", "application/x-www-form-urlencoded")));
                cases.add(new Case(r.method().name(), path, "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}", Map.of()));
            }
            FIELD_CASES.forEach((path, bodies) -> {
                String method = path.contains("/images/") ? "PUT" : "POST";
                for (String b : bodies) cases.add(new Case(method, path, b, Map.of()));
            });
            for (String g : BAD_GETS) cases.add(new Case("GET", g, null, Map.of()));
            cases.add(new Case("GET", "/api/v1/scheduler/runs", null, Map.of("X-Tenant", "bad tenant!")));
            cases.add(new Case("GET", "/api/v1/scheduler/runs", null, Map.of("X-Tenant", "globex")));
            cases.add(new Case("GET", "/api/v1/scheduler/runs", null, Map.of("X-Correlation-Id", "<script>")));
            // random byte soup
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[1 + rnd.nextInt(200)];
                for (int k = 0; k < junk.length; k++) junk[k] = (byte) rnd.nextInt(256);
                cases.add(new Case("POST", "/api/v1/scheduler/schedules", new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1), Map.of()));
            }
            assertThat(cases.size()).isGreaterThanOrEqualTo(200);

            String runsBefore = t.get("/api/v1/scheduler/runs?limit=500", token).body();
            String schedulesBefore = t.get("/api/v1/scheduler/schedules", token).body();
            int problems = 0;
            for (Case c : cases) {
                Resp r;
                try {
                    r = send(t, token, c);
                } catch (IOException e) {
                    throw new AssertionError("transport failure on " + c.method() + " " + c.path() + " "
                            + c.headers() + " " + abbreviate(c.body()), e);
                }
                assertThat(r.status()).as(c.method() + " " + c.path() + " " + abbreviate(c.body()) + " -> " + r.body()).isLessThan(500);
                if (r.status() >= 400) {
                    assertThat(r.isProblem()).as(c.method() + " " + c.path() + " " + abbreviate(c.body())).isTrue();
                    assertThat(r.json().get("code").asText()).startsWith("ERR_");
                    problems++;
                }
                if (r.status() == 400 && c.body() != null && !c.body().isBlank() && c.headers().isEmpty()) {
                    assertThat(r.json().get("errors")).as(c.path() + " " + abbreviate(c.body()) + " names a field").isNotEmpty();
                }
            }
            assertThat(problems).isGreaterThan(cases.size() * 9 / 10);
            assertThat(t.get("/api/v1/scheduler/runs?limit=500", token).body()).isEqualTo(runsBefore);
            assertThat(t.get("/api/v1/scheduler/schedules", token).body()).isEqualTo(schedulesBefore);
        }
    }

    @Test
    void oversizeBodiesAre413AndWrongMediaTypes415() {
        try (TestServer t = new TestServer(s -> s.withMaxBodyBytes(4096), b -> b)) {
            String token = t.token("acme");
            Resp big = t.post("/api/v1/scheduler/schedules", token, "{\"name\":\"" + "x".repeat(5000) + "\"}");
            assertThat(big.status()).isEqualTo(413);
            assertThat(big.json().get("code").asText()).isEqualTo("ERR_API_413");
            Resp text = t.send("POST", "/api/v1/scheduler/schedules", token, "{}", Map.of("Content-Type", "text/plain"));
            assertThat(text.status()).isEqualTo(415);
            Resp unknown = t.post("/api/v1/scheduler/schedules", token, "{\"name\":\"a\",\"cronExpression\":\"* * * * *\",\"colour\":\"red\"}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("colour");
            Resp nested = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"all-images\",\"namespaces\":[\"a\",7]}}");
            assertThat(nested.status()).isEqualTo(400);
            assertThat(nested.json().get("errors").get(0).get("field").asText()).isEqualTo("selector.namespaces[1]");
        }
    }

    private static Resp send(TestServer t, String token, Case c) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + t.plane.port() + c.path()))
                .header("Authorization", "Bearer " + token);
        c.headers().forEach(b::header);
        if (c.body() != null && !c.headers().containsKey("Content-Type")) b.header("Content-Type", "application/json");
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(c.body().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        HttpResponse<String> r = t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.headers().map(), r.body());
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
