package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleSpec;
import io.verdict.scheduler.schedules.ScheduleValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schedule rules seen through the API: one validator (the core's), JSON Merge Patch, {@code /next?from=}, ASCII-only
 * cron fields.
 */
class ScheduleRulesApiTest {
    static final String PATH = "/api/v1/scheduler/schedules";
    static TestServer t;
    static String token;

    @BeforeAll
    static void start() {
        t = new TestServer();
        token = t.token("acme");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String create(String json) {
        Resp r = t.post(PATH, token, json);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static List<String> errors(Resp r) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : r.json().get("errors")) out.add(e.get("field").asText() + ": " + e.get("message").asText());
        return out;
    }

    static List<String> coreErrors(Schedule.Limits limits) {
        try {
            ScheduleValidator.validate("acme", ScheduleSpec.simple("n", "0 1 * * *", "UTC").withLimits(limits));
            return List.of();
        } catch (ValidationException e) {
            return e.errors().stream().map(f -> f.field() + ": " + f.message()).toList();
        }
    }

    @Test
    void badLimitsAreRefusedIdenticallyByTheApiAndTheCore() {
        Map<String, Schedule.Limits> bad = new LinkedHashMap<>();
        bad.put("{\"maxJobs\":0}", new Schedule.Limits(0, null, null, null));
        bad.put("{\"maxJobs\":10000001}", new Schedule.Limits(10_000_001, null, null, null));
        bad.put("{\"ratePerSecond\":0.0}", new Schedule.Limits(null, 0.0, null, null));
        bad.put("{\"ratePerSecond\":-2.5}", new Schedule.Limits(null, -2.5, null, null));
        bad.put("{\"ratePerSecond\":100000.5}", new Schedule.Limits(null, 100_000.5, null, null));
        bad.put("{\"parallelism\":0}", new Schedule.Limits(null, null, 0, null));
        bad.put("{\"parallelism\":1025}", new Schedule.Limits(null, null, 1025, null));
        bad.put("{\"burst\":-1}", new Schedule.Limits(null, null, null, -1));
        bad.put("{\"burst\":100001}", new Schedule.Limits(null, null, null, 100_001));
        bad.put("{\"maxJobs\":0,\"ratePerSecond\":1e9,\"parallelism\":5000,\"burst\":0}",
                new Schedule.Limits(0, 1e9, 5000, 0));
        String id = create("{\"name\":\"limits\",\"cronExpression\":\"0 1 * * *\"}");
        for (var e : bad.entrySet()) {
            List<String> core = coreErrors(e.getValue());
            assertThat(core).as(e.getKey()).isNotEmpty().allMatch(m -> m.startsWith("limits."));
            Resp created = t.post(PATH, token, "{\"name\":\"x\",\"cronExpression\":\"0 1 * * *\",\"limits\":" + e.getKey() + "}");
            assertThat(created.status()).as(e.getKey()).isEqualTo(400);
            assertThat(created.isProblem()).isTrue();
            assertThat(errors(created)).as("POST " + e.getKey()).isEqualTo(core);
            Resp patched = t.patch(PATH + "/" + id, token, "{\"limits\":" + e.getKey() + "}");
            assertThat(patched.status()).as(e.getKey()).isEqualTo(400);
            assertThat(errors(patched)).as("PATCH " + e.getKey()).isEqualTo(core);
        }
        // The bounds themselves are accepted by both.
        Schedule.Limits edge = new Schedule.Limits(10_000_000, 100_000.0, 1024, 100_000);
        assertThat(coreErrors(edge)).isEmpty();
        Resp ok = t.patch(PATH + "/" + id, token, "{\"limits\":{\"maxJobs\":10000000,\"ratePerSecond\":100000.0,"
                + "\"parallelism\":1024,\"burst\":100000}}");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().get("version").asLong()).isEqualTo(2);
    }

    @Test
    void patchIsAJsonMergePatch() {
        String id = create("""
                {"name":"merge","cronExpression":"0 2 * * *","timezone":"Europe/Berlin",
                 "selection":{"scope":"by-namespace","namespaces":["a","b"],"includeTags":["prod-*"]},
                 "onlyIf":{"lastReportOlderThanDays":3,"policyRevision":"rev-1"},
                 "limits":{"maxJobs":100,"parallelism":4,"burst":7}}""");
        // Objects merge member by member: parallelism changes, maxJobs and burst stay.
        JsonNode s = t.send("PATCH", PATH + "/" + id, token, "{\"limits\":{\"parallelism\":8}}",
                Map.of("Content-Type", "application/merge-patch+json")).json();
        assertThat(s.get("limits").get("parallelism").asInt()).isEqualTo(8);
        assertThat(s.get("limits").get("maxJobs").asInt()).isEqualTo(100);
        assertThat(s.get("limits").get("burst").asInt()).isEqualTo(7);
        assertThat(s.get("name").asText()).isEqualTo("merge");
        // null removes a member (maxJobs back to unlimited); the rest of the object stays.
        s = t.patch(PATH + "/" + id, token, "{\"limits\":{\"maxJobs\":null}}").json();
        assertThat(s.get("limits").has("maxJobs")).isFalse();
        assertThat(s.get("limits").get("parallelism").asInt()).isEqualTo(8);
        // Arrays replace; sibling members of the nested object stay.
        s = t.patch(PATH + "/" + id, token, "{\"selection\":{\"namespaces\":[\"c\"]}}").json();
        assertThat(s.get("selection").get("namespaces")).hasSize(1);
        assertThat(s.get("selection").get("namespaces").get(0).asText()).isEqualTo("c");
        assertThat(s.get("selection").get("includeTags").get(0).asText()).isEqualTo("prod-*");
        assertThat(s.get("selection").get("scope").asText()).isEqualTo("by-namespace");
        // Nested null inside another object, and a whole object removed.
        s = t.patch(PATH + "/" + id, token, "{\"onlyIf\":{\"policyRevision\":null}}").json();
        assertThat(s.get("onlyIf").get("lastReportOlderThanDays").asInt()).isEqualTo(3);
        assertThat(s.get("onlyIf").has("policyRevision")).isFalse();
        s = t.patch(PATH + "/" + id, token, "{\"onlyIf\":null,\"limits\":null}").json();
        assertThat(s.get("onlyIf").size()).isZero();
        assertThat(s.get("limits").size()).isZero();
        assertThat(s.get("timezone").asText()).isEqualTo("Europe/Berlin");
        long version = s.get("version").asLong();

        // Removing a required member is a 400 naming it; nothing changes.
        Resp noName = t.patch(PATH + "/" + id, token, "{\"name\":null}");
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("errors").findValuesAsText("field")).containsExactly("name");
        Resp unknown = t.patch(PATH + "/" + id, token, "{\"limits\":{\"speed\":3}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").findValuesAsText("field")).containsExactly("limits.speed");
        Resp notObject = t.send("PATCH", PATH + "/" + id, token, "[{\"name\":\"x\"}]",
                Map.of("Content-Type", "application/merge-patch+json"));
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.json().get("errors").findValuesAsText("field")).containsExactly("body");
        Resp text = t.send("PATCH", PATH + "/" + id, token, "{\"name\":\"x\"}", Map.of("Content-Type", "text/plain"));
        assertThat(text.status()).isEqualTo(415);
        Resp stale = t.patch(PATH + "/" + id, token, "{\"name\":\"y\",\"version\":" + (version - 1) + "}");
        assertThat(stale.status()).isEqualTo(409);
        JsonNode after = t.get(PATH + "/" + id, token).json();
        assertThat(after.get("version").asLong()).isEqualTo(version);
        assertThat(after.get("name").asText()).isEqualTo("merge");
        // A conditional patch at the right version applies.
        Resp good = t.patch(PATH + "/" + id, token, "{\"name\":\"renamed\",\"version\":" + version + "}");
        assertThat(good.status()).isEqualTo(200);
        assertThat(good.json().get("name").asText()).isEqualTo("renamed");
    }

    @Test
    void nextFireTimesStartAtFrom() {
        String id = create("{\"name\":\"daily\",\"cronExpression\":\"0 3 * * *\",\"timezone\":\"Europe/Berlin\"}");
        JsonNode next = t.get(PATH + "/" + id + "/next?count=3&from=2031-03-29T00:00:00Z", token).json();
        assertThat(next.get("from").asText()).isEqualTo("2031-03-29T00:00:00Z");
        // 30 March 2031 is the spring-forward day in Berlin: 03:00 is then CEST (+02:00).
        assertThat(next.get("nextRuns").findValuesAsText("at"))
                .containsExactly("2031-03-29T02:00:00Z", "2031-03-30T01:00:00Z", "2031-03-31T01:00:00Z");
        assertThat(next.get("nextRuns").get(1).get("local").asText()).isEqualTo("2031-03-30T03:00+02:00");
        JsonNode fromPast = t.get(PATH + "/" + id + "/next?count=1&from=2020-01-01T03:00:00Z", token).json();
        assertThat(fromPast.get("nextRuns").get(0).get("at").asText()).isEqualTo("2020-01-02T02:00:00Z");
        // Without from: from now.
        JsonNode fromNow = t.get(PATH + "/" + id + "/next?count=1", token).json();
        assertThat(Instant.parse(fromNow.get("nextRuns").get(0).get("at").asText())).isAfter(Instant.now());
        for (String bad : List.of("yesterday", "2031-03-29", "2031-03-29T00:00:00", "9999-01-01T00:00:00Z",
                "1960-01-01T00:00:00Z")) {
            Resp r = t.get(PATH + "/" + id + "/next?from=" + bad, token);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.json().get("errors").findValuesAsText("field")).as(bad).containsExactly("from");
        }
        assertThat(t.get(PATH + "/" + id + "/next?from=2031-01-01T00:00:00Z&from=2032-01-01T00:00:00Z", token)
                .json().get("errors").findValuesAsText("field")).containsExactly("from");
    }

    @Test
    void cronFieldsTakeAsciiDigitsOnly() {
        int before = t.get(PATH, token).json().get("items").size();
        for (String cron : List.of("\u0663 * * * *", "0 \uFF13 * * *", "0 0 * * \u0661")) {
            Resp r = t.post(PATH, token, "{\"name\":\"arabic\",\"cronExpression\":\"" + cron + "\"}");
            assertThat(r.status()).as(cron).isEqualTo(400);
            JsonNode err = r.json().get("errors");
            assertThat(err.findValuesAsText("field")).containsExactly("cronExpression");
            assertThat(err.get(0).get("message").asText()).contains("ASCII digits").contains("U+");
        }
        assertThat(t.get(PATH, token).json().get("items").size()).isEqualTo(before);
        String id = create("{\"name\":\"ok\",\"cronExpression\":\"3 * * * *\"}");
        Resp patched = t.patch(PATH + "/" + id, token, "{\"cronExpression\":\"\u0663 * * * *\"}");
        assertThat(patched.status()).isEqualTo(400);
        assertThat(t.get(PATH + "/" + id, token).json().get("cronExpression").asText()).isEqualTo("3 * * * *");
    }
}
