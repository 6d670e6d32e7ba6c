package io.verdict.scheduler.http;

import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import io.verdict.scheduler.impact.Globs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selector globs that made a backtracking regex run for hours (two of them hung the whole server, /healthz
 * included) are answered like any other; globs beyond the bounds are refused with a 400 naming the field.
 */
class GlobAttackTest {
    static final String API = "/api/v1/scheduler";
    static final String NASTY = "*".repeat(24) + "Z";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pathologicalGlobsAnswerWhileHealthStaysResponsive() throws Exception {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 20, "a".repeat(40), List.of("pkg:npm/lodash@4.17.20"));
            String preview = "{\"purls\":[\"pkg:npm/lodash@4.17.20\"],\"selector\":{\"scope\":\"by-repository\","
                    + "\"repositories\":[\"" + NASTY + "\"],\"includeTags\":[\"" + "*?".repeat(60) + "Z\"]}}";
            String run = "{\"selector\":{\"scope\":\"by-repository\",\"repositories\":[\"" + NASTY + "\"]},"
                    + "\"reason\":\"glob attack\"}";
            var previews = IntStream.range(0, 4)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> t.post(API + "/preview", token, preview)))
                    .toList();
            var manual = CompletableFuture.supplyAsync(() -> t.post(API + "/runs", token, run));

            Resp health = t.get("/healthz", null);
            assertThat(health.status()).isEqualTo(200);
            for (var p : previews) {
                Resp r = p.get(30, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get("total").asInt()).isZero();
            }
            Resp m = manual.get(30, TimeUnit.SECONDS);
            // nothing matches the glob: refused as "selector resolves to nothing" or planned empty — never a hang
            assertThat(m.status()).as(m.body()).isIn(201, 422);
            assertThat(t.get("/healthz", null).status()).isEqualTo(200);
        }
    }

    @Test
    void globsBeyondTheBoundsAre400NamingTheField() {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            String tooLong = "*".repeat(Globs.MAX_PATTERN_LENGTH + 1);
            Resp r = t.post(API + "/preview", token, "{\"purls\":[\"pkg:npm/a@1\"],\"selector\":{\"scope\":"
                    + "\"by-repository\",\"repositories\":[\"ok/*\",\"" + tooLong + "\"]}}");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").findValuesAsText("field")).contains("selector.repositories[1]");

            String many = IntStream.rangeClosed(0, Globs.MAX_PATTERNS_PER_SELECTOR)
                    .mapToObj(i -> "\"v" + i + "*\"").collect(Collectors.joining(","));
            Resp s = t.post(API + "/schedules", token, "{\"name\":\"globs\",\"cronExpression\":\"0 2 * * *\","
                    + "\"selection\":{\"scope\":\"all-images\",\"includeTags\":[" + many + "]}}");
            assertThat(s.status()).as(s.body()).isEqualTo(400);
            assertThat(s.json().get("errors").findValuesAsText("field")).contains("selection.includeTags");

            Resp m = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"all-images\",\"includeTags\":["
                    + many + "]},\"reason\":\"x\"}");
            assertThat(m.status()).as(m.body()).isEqualTo(400);
            assertThat(m.json().get("errors").findValuesAsText("field")).contains("selector.includeTags");
        }
    }
}
