package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.inmemory.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's {@code scheduled} tab lists upcoming fires; {@code shard} selects runs by planner shard. */
class ConsoleScheduledTabTest {
    static final String SCHEDULES = "/api/v1/scheduler/schedules";
    static final ManualClock clock = ManualClock.at("2031-03-29T12:00:00Z");
    static TestServer t;
    static String token;
    static String daily;
    static String payments;

    @BeforeAll
    static void start() {
        t = new TestServer(s -> s, b -> b.clock(clock).maxIndexAge(Duration.ofDays(36_500)));
        token = t.token("acme");
        daily = create("{\"name\":\"daily\",\"cronExpression\":\"0 13 * * *\",\"mode\":\"content-refresh\"}");
        payments = create("""
                {"name":"payments","cronExpression":"30 12 * * *","timezone":"Europe/Berlin",
                 "selection":{"scope":"by-namespace","namespaces":["payments","billing"],"includeTags":["prod-*"]}}""");
        String paused = create("{\"name\":\"paused\",\"cronExpression\":\"5 12 * * *\"}");
        assertThat(t.post(SCHEDULES + "/" + paused + "/pause", token, null).status()).isEqualTo(200);
        assertThat(t.post(SCHEDULES, t.token("globex"), "{\"name\":\"theirs\",\"cronExpression\":\"1 12 * * *\"}")
                .status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String create(String json) {
        var r = t.post(SCHEDULES, token, json);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode scheduled(String query) {
        var r = t.get("/console/runs?tab=scheduled" + query, token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void scheduledTabListsTheNextFireOfEachEnabledScheduleSoonestFirst() {
        // 12:30 Berlin (CET, +01:00) is 11:30Z: already past today, so tomorrow (CEST after the change: 10:30Z).
        JsonNode page = scheduled("");
        assertThat(page.get("tab").asText()).isEqualTo("scheduled");
        assertThat(page.get("items").findValuesAsText("scheduleId")).containsExactly(daily, payments);
        JsonNode first = page.get("items").get(0);
        assertThat(first.get("name").asText()).isEqualTo("daily");
        assertThat(first.get("nextFireAt").asText()).isEqualTo("2031-03-29T13:00:00Z");
        assertThat(first.get("mode").asText()).isEqualTo("content-refresh");
        assertThat(first.get("selector").asText()).isEqualTo("all-images");
        assertThat(first.get("cronExpression").asText()).isEqualTo("0 13 * * *");
        JsonNode second = page.get("items").get(1);
        assertThat(second.get("nextFireAt").asText()).isEqualTo("2031-03-30T10:30:00Z");
        assertThat(second.get("nextFireLocal").asText()).isEqualTo("2031-03-30T12:30+02:00");
        assertThat(second.get("selector").asText()).isEqualTo("by-namespace: payments, billing; tags prod-*");
        assertThat(second.has("runId")).isFalse();

        // Pages, filters.
        JsonNode p1 = scheduled("&limit=1");
        assertThat(p1.get("items").findValuesAsText("scheduleId")).containsExactly(daily);
        JsonNode p2 = scheduled("&limit=1&cursor=" + p1.get("nextCursor").asText());
        assertThat(p2.get("items").findValuesAsText("scheduleId")).containsExactly(payments);
        assertThat(p2.has("nextCursor")).isFalse();
        assertThat(scheduled("&scheduleId=" + payments).get("items").findValuesAsText("scheduleId")).containsExactly(payments);
        assertThat(scheduled("&to=2031-03-29T23:00:00Z").get("items").findValuesAsText("scheduleId")).containsExactly(daily);
        assertThat(scheduled("&from=2031-03-30T11:00:00Z").get("items").get(0).get("nextFireAt").asText())
                .isEqualTo("2031-03-30T13:00:00Z");
    }

    @Test
    void aCronRunIsNotAnUpcomingFire() {
        clock.set(java.time.Instant.parse("2031-03-29T13:01:00Z"));
        t.scheduler.tick(); // daily fires at 13:00
        var runs = t.get("/console/runs?trigger=cron", token).json().get("items");
        assertThat(runs.findValuesAsText("scheduleId")).contains(daily);
        JsonNode page = scheduled("");
        assertThat(page.get("items").findValuesAsText("scheduleId")).containsExactly(payments, daily);
        assertThat(page.get("items").get(1).get("nextFireAt").asText()).isEqualTo("2031-03-30T13:00:00Z");
        assertThat(page.get("items").findValuesAsText("runId")).isEmpty();
        clock.set(java.time.Instant.parse("2031-03-29T12:00:00Z"));
    }

    @Test
    void runFiltersDoNotApplyToUpcomingFires() {
        for (String f : List.of("state=running", "trigger=cron", "severity=high", "shard=1", "errorCode=ERR_RUN_001")) {
            var r = t.get("/console/runs?tab=scheduled&" + f, token);
            assertThat(r.status()).as(f).isEqualTo(400);
            assertThat(r.json().get("errors").findValuesAsText("field")).containsExactly(f.substring(0, f.indexOf('=')));
        }
        assertThat(t.get("/console/runs?tab=scheduled&cursor=bm9wZQ", token).status()).isEqualTo(400);
    }

    @Test
    void shardSelectsRunsThatHavePlannerShardN() {
        // segmentSize is 5: 12 images → shards 0..2; 3 images → shard 0 only.
        t.indexImages("acme", 12, "big", List.of("pkg:npm/lodash@4.17.20"));
        t.indexImages("acme", 3, "small", List.of("pkg:npm/lodash@4.17.20"));
        String big = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"big\"]}}")
                .json().get("id").asText();
        String small = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"small\"]}}")
                .json().get("id").asText();
        assertThat(t.get("/console/runs/" + big, token).json().get("summary").get("shardCount").asInt()).isEqualTo(3);
        assertThat(t.get("/console/runs?shard=0&trigger=manual", token).json().get("items").findValuesAsText("runId"))
                .contains(big, small);
        assertThat(t.get("/console/runs?shard=2&trigger=manual", token).json().get("items").findValuesAsText("runId"))
                .containsExactly(big);
        assertThat(t.get("/console/runs?shard=3&trigger=manual", token).json().get("items")).isEmpty();
    }
}
