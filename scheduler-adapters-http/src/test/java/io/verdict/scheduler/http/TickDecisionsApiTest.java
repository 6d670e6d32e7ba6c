package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.inmemory.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Why didn't my schedule fire?": every fire not taken — DST policy, pause, overlap, {@code onlyIf} — is a tick
 * decision with its reason on {@code GET /schedules/{id}/decisions}. Time is a manual clock; ticks are explicit.
 */
class TickDecisionsApiTest {
    static final String PATH = "/api/v1/scheduler/schedules";
    final ManualClock clock = ManualClock.at("2031-03-29T12:00:00Z");
    final TestServer t = new TestServer(s -> s, b -> b.clock(clock).maxIndexAge(Duration.ofDays(36_500)));

    @AfterEach
    void stop() {
        t.close();
    }

    String create(String tenant, String json) {
        var r = t.post(PATH, t.token(tenant), json);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Ticks every 10 minutes up to {@code until}, as the cron thread would. */
    void tickUntil(String until) {
        Instant end = Instant.parse(until);
        while (clock.instant().isBefore(end)) {
            clock.advance(Duration.ofMinutes(10));
            t.scheduler.tick();
        }
    }

    List<JsonNode> decisions(String tenant, String id) {
        var r = t.get(PATH + "/" + id + "/decisions?limit=100", t.token(tenant));
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }

    static JsonNode at(List<JsonNode> ds, String fireTime) {
        return ds.stream().filter(d -> d.get("fireTime").asText().equals(fireTime)).findFirst()
                .orElseThrow(() -> new AssertionError("no decision at " + fireTime + " in " + ds));
    }

    @Test
    void dstPolicyGapAndRepeatedHourAreSkippedWithTheirReason() {
        String gap = create("t-dst", """
                {"name":"gap","cronExpression":"30 2 * * *","timezone":"Europe/Berlin","dstPolicy":{"gap":"skip"}}""");
        tickUntil("2031-03-31T12:00:00Z");
        // 30 March 2031: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist.
        JsonNode skipped = at(decisions("t-dst", gap), "2031-03-30T01:00:00Z");
        assertThat(skipped.get("outcome").asText()).isEqualTo("skipped");
        assertThat(skipped.get("reason").asText()).isEqualTo("dstPolicy");
        assertThat(skipped.get("detail").asText()).contains("02:30").contains("does not exist");
        assertThat(skipped.has("runId")).isFalse();
        assertThat(at(decisions("t-dst", gap), "2031-03-31T00:30:00Z").get("outcome").asText()).isEqualTo("fired");

        String twice = create("t-dst", """
                {"name":"repeat","cronExpression":"30 2 * * *","timezone":"Europe/Berlin","dstPolicy":{"overlap":"once"}}""");
        clock.set(Instant.parse("2031-10-25T12:00:00Z"));
        t.scheduler.tick();
        tickUntil("2031-10-26T12:00:00Z");
        // 26 October 2031: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 happens at 00:30Z and 01:30Z.
        List<JsonNode> ds = decisions("t-dst", twice);
        assertThat(at(ds, "2031-10-26T00:30:00Z").get("outcome").asText()).isEqualTo("fired");
        JsonNode second = at(ds, "2031-10-26T01:30:00Z");
        assertThat(second.get("outcome").asText()).isEqualTo("skipped");
        assertThat(second.get("reason").asText()).isEqualTo("dstPolicy");
        assertThat(second.get("detail").asText()).contains("happens twice");
    }

    @Test
    void pausedFiresAreSkippedWithReasonPaused() {
        String id = create("t-pause", "{\"name\":\"hourly\",\"cronExpression\":\"0 * * * *\"}");
        tickUntil("2031-03-29T13:05:00Z");
        assertThat(at(decisions("t-pause", id), "2031-03-29T13:00:00Z").get("outcome").asText()).isEqualTo("fired");
        assertThat(t.post(PATH + "/" + id + "/pause", t.token("t-pause"), null).status()).isEqualTo(200);
        tickUntil("2031-03-29T16:05:00Z");
        assertThat(t.post(PATH + "/" + id + "/resume", t.token("t-pause"), null).status()).isEqualTo(200);
        List<JsonNode> ds = decisions("t-pause", id);
        for (String hour : List.of("14", "15", "16")) {
            JsonNode d = at(ds, "2031-03-29T" + hour + ":00:00Z");
            assertThat(d.get("outcome").asText()).isEqualTo("skipped");
            assertThat(d.get("reason").asText()).isEqualTo("paused");
        }
        tickUntil("2031-03-29T17:05:00Z");
        assertThat(at(decisions("t-pause", id), "2031-03-29T17:00:00Z").get("outcome").asText()).isEqualTo("fired");
    }

    @Test
    void aFireWhileTheSchedulesRunIsUnfinishedIsSkippedWithReasonOverlap() {
        t.indexImages("t-busy", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
        String id = create("t-busy", "{\"name\":\"hourly\",\"cronExpression\":\"0 * * * *\"}");
        tickUntil("2031-03-29T14:05:00Z"); // no workers: the 13:00 run stays queued
        List<JsonNode> ds = decisions("t-busy", id);
        JsonNode fired = at(ds, "2031-03-29T13:00:00Z");
        assertThat(fired.get("outcome").asText()).isEqualTo("fired");
        JsonNode overlap = at(ds, "2031-03-29T14:00:00Z");
        assertThat(overlap.get("outcome").asText()).isEqualTo("skipped");
        assertThat(overlap.get("reason").asText()).isEqualTo("overlap");
        assertThat(overlap.get("detail").asText()).contains(fired.get("runId").asText());
    }

    @Test
    void anUnmetOnlyIfIsSkippedWithReasonOnlyIf() {
        String id = create("t-only", """
                {"name":"on rev-7","cronExpression":"0 * * * *","onlyIf":{"policyRevision":"rev-7"}}""");
        tickUntil("2031-03-29T13:05:00Z");
        JsonNode d = at(decisions("t-only", id), "2031-03-29T13:00:00Z");
        assertThat(d.get("outcome").asText()).isEqualTo("skipped");
        assertThat(d.get("reason").asText()).isEqualTo("onlyIf");
        assertThat(d.get("detail").asText()).contains("rev-7").contains("unknown");
        // Once the tenant's policy is at rev-7 (a policy intake event), the schedule fires.
        var intake = t.post("/api/v1/scheduler/events/policy", t.token("t-only"),
                "{\"eventId\":\"pol-1\",\"policyRevision\":\"rev-7\"}");
        assertThat(intake.status()).as(intake.toString()).isLessThan(300);
        tickUntil("2031-03-29T14:05:00Z");
        assertThat(at(decisions("t-only", id), "2031-03-29T14:00:00Z").get("outcome").asText()).isEqualTo("fired");
    }
}
