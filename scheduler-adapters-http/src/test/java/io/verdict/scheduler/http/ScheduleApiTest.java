package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleApiTest {
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

    private static final String NIGHTLY = """
            {"name":"nightly sweep","cronExpression":"0 2 * * *","timezone":"Europe/Berlin",
             "selection":{"scope":"by-namespace","namespaces":["payments"]},
             "onlyIf":{"lastReportOlderThanDays":2},"notify":{"minSeverity":"critical","includeKev":true},
             "limits":{"ratePerSecond":50.0,"burst":10},"dstPolicy":{"gap":"skip","overlap":"once"}}""";

    @Test
    void createReadUpdateListDeleteRoundTrip() {
        var created = t.send("POST", PATH, token, NIGHTLY, Map.of("X-Correlation-Id", "corr-123"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("X-Correlation-Id")).isEqualTo("corr-123");
        JsonNode s = created.json();
        String id = s.get("id").asText();
        assertThat(created.header("Location")).isEqualTo(PATH + "/" + id);
        assertThat(s.get("tenantId").asText()).isEqualTo("acme");
        assertThat(s.get("enabled").asBoolean()).isTrue();
        assertThat(s.get("mode").asText()).isEqualTo("analysis-only");
        assertThat(s.get("selection").get("scope").asText()).isEqualTo("by-namespace");
        assertThat(s.get("selection").get("digests").isArray()).as("empty arrays are kept").isTrue();
        assertThat(s.get("notify").get("minSeverity").asText()).isEqualTo("critical");
        assertThat(s.get("dstPolicy").get("gap").asText()).isEqualTo("skip");
        assertThat(s.get("createdBy").asText()).isEqualTo("alice@test");
        assertThat(s.get("version").asLong()).isEqualTo(1);

        assertThat(t.get(PATH + "/" + id, token).json()).isEqualTo(s);
        assertThat(t.get(PATH, token).json().get("items").findValuesAsText("id")).contains(id);

        var patched = t.patch(PATH + "/" + id, token, "{\"cronExpression\":\"30 3 * * 1-5\",\"mode\":\"content-refresh\",\"version\":1}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("cronExpression").asText()).isEqualTo("30 3 * * 1-5");
        assertThat(patched.json().get("mode").asText()).isEqualTo("content-refresh");
        assertThat(patched.json().get("name").asText()).as("absent fields keep their value").isEqualTo("nightly sweep");
        assertThat(patched.json().get("version").asLong()).isEqualTo(2);

        var stale = t.patch(PATH + "/" + id, token, "{\"name\":\"x\",\"version\":1}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("code").asText()).isIn("ERR_API_409", "ERR_RUN_008");
        assertThat(t.get(PATH + "/" + id, token).json().get("name").asText()).isEqualTo("nightly sweep");

        assertThat(t.delete(PATH + "/" + id, token).status()).isEqualTo(204);
        assertThat(t.get(PATH + "/" + id, token).status()).isEqualTo(404);
        assertThat(t.get(PATH, token).json().get("items").findValuesAsText("id")).doesNotContain(id);
        assertThat(t.delete(PATH + "/" + id, token).status()).isEqualTo(404);

        List<AuditRecord> audit = t.storage.audit().recent("acme", 50);
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("schedule.create");
            assertThat(a.target()).isEqualTo(id);
            assertThat(a.actor()).isEqualTo("alice@test");
            assertThat(a.correlationId()).isEqualTo("corr-123");
        });
        assertThat(audit.stream().filter(a -> a.target().equals(id)).map(AuditRecord::action))
                .contains("schedule.create", "schedule.update", "schedule.delete");
    }

    @Test
    void pauseResumeAndNextRunsInTheScheduleTimeZone() {
        String id = t.post(PATH, token, NIGHTLY).json().get("id").asText();
        var paused = t.post(PATH + "/" + id + "/pause", token, null);
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().get("schedule").get("enabled").asBoolean()).isFalse();
        assertThat(paused.json().has("earliestNextRun")).isFalse();

        var resumed = t.post(PATH + "/" + id + "/resume", token, null);
        assertThat(resumed.json().get("schedule").get("enabled").asBoolean()).isTrue();
        Instant earliest = Instant.parse(resumed.json().get("earliestNextRun").asText());
        assertThat(earliest).isAfter(Instant.now());
        assertThat(earliest.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(2);

        JsonNode next = t.get(PATH + "/" + id + "/next?count=3", token).json();
        assertThat(next.get("nextRuns")).hasSize(3);
        for (JsonNode n : next.get("nextRuns")) {
            ZonedDateTime local = ZonedDateTime.parse(n.get("local").asText());
            assertThat(local.getHour()).isEqualTo(2);
            assertThat(local.toInstant()).isEqualTo(Instant.parse(n.get("at").asText()));
        }
        assertThat(Instant.parse(next.get("nextRuns").get(0).get("at").asText())).isEqualTo(earliest);

        JsonNode decisions = t.get(PATH + "/" + id + "/decisions?limit=10", token).json();
        assertThat(decisions.get("scheduleId").asText()).isEqualTo(id);
        assertThat(decisions.get("items").isArray()).isTrue();
    }

    @Test
    void invalidSchedulesAreRefusedWithEveryFieldNamedAndNothingStored() {
        int before = t.get(PATH, token).json().get("items").size();
        var r = t.post(PATH, token, """
                {"name":"","cronExpression":"61 * * * *","timezone":"Mars/Olympus","mode":"sometimes",
                 "selection":{"scope":"by-digest","digests":["sha256:xyz"]},"limits":{"parallelism":0},
                 "dstPolicy":{"gap":"jump"}}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("errors").findValuesAsText("field")).contains("name", "cronExpression", "timezone",
                "mode", "selection.digests[0]", "limits.parallelism", "dstPolicy.gap");
        assertThat(t.get(PATH, token).json().get("items").size()).isEqualTo(before);

        var neverFires = t.post(PATH, token, "{\"name\":\"feb30\",\"cronExpression\":\"0 0 30 2 *\"}");
        assertThat(neverFires.status()).isEqualTo(400);
        assertThat(neverFires.json().get("errors").get(0).get("field").asText()).isEqualTo("cronExpression");

        var otherTenant = t.post(PATH, token, "{\"name\":\"x\",\"cronExpression\":\"0 * * * *\",\"selection\":{\"scope\":\"all-images\",\"tenantId\":\"globex\"}}");
        assertThat(otherTenant.status()).isEqualTo(400);
        assertThat(otherTenant.json().get("errors").get(0).get("field").asText()).isEqualTo("selection.tenantId");
    }

    @Test
    void schedulesOfAnotherTenantAreNotFound() {
        String id = t.post(PATH, token, NIGHTLY).json().get("id").asText();
        String globex = t.token("globex");
        assertThat(t.get(PATH + "/" + id, globex).status()).isEqualTo(404);
        assertThat(t.patch(PATH + "/" + id, globex, "{\"name\":\"mine\"}").status()).isEqualTo(404);
        assertThat(t.post(PATH + "/" + id + "/pause", globex, null).status()).isEqualTo(404);
        assertThat(t.delete(PATH + "/" + id, globex).status()).isEqualTo(404);
        assertThat(t.get(PATH, globex).json().get("items").findValuesAsText("id")).doesNotContain(id);
        assertThat(t.get(PATH + "/" + id, token).json().get("enabled").asBoolean()).isTrue();
    }
}
