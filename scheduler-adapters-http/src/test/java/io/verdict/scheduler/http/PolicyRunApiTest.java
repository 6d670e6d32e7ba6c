package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Policy runs: incremental evaluates only what changed, simulations can be read back, GET shows the mode. */
class PolicyRunApiTest {
    static final String PATH = "/api/v1/scheduler/policy/runs";

    private static String body(String mode, String runId, List<String> sbomSet) {
        String set = sbomSet.isEmpty() ? "" : ",\"inputs\":{\"sbomSet\":[\"" + String.join("\",\"", sbomSet) + "\"]}";
        return "{\"policyId\":\"P-1\",\"policyVersion\":2,\"mode\":\"" + mode + "\",\"runId\":\"" + runId + "\"" + set + "}";
    }

    @Test
    void incrementalEvaluatesTheSbomSetOrOnlyTheImagesChangedSinceThePolicysLastRun() throws Exception {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            List<String> estate = t.indexImages("acme", 10, "payments", List.of("pkg:npm/lodash@4.17.20"));
            t.scheduler.startWorkers(2); // each run ends before the next, so in-flight dedup does not hide targets

            var first = t.post(PATH, token, body("incremental", "p-first", List.of()));
            assertThat(first.status()).as(first.toString()).isEqualTo(202);
            assertThat(first.json().get("stats").get("deduped").asInt()).as("no previous run: the whole tenant").isEqualTo(10);
            RetryApiTest.await(t, token, first.json().get("schedulerRunId").asText());

            var set = t.post(PATH, token, body("incremental", "p-set", estate.subList(0, 3)));
            assertThat(set.json().get("stats").get("deduped").asInt()).as("only inputs.sbomSet").isEqualTo(3);
            RetryApiTest.await(t, token, set.json().get("schedulerRunId").asText());

            Thread.sleep(5); // the change log orders by the store clock (milliseconds)
            List<String> changed = t.indexImages("acme", 2, "search", List.of("pkg:npm/lodash@4.17.20"));
            var since = t.post(PATH, token, body("incremental", "p-since", List.of()));
            assertThat(since.status()).as(since.toString()).isEqualTo(202);
            assertThat(since.json().get("stats").get("deduped").asInt()).as("only the 2 images indexed since").isEqualTo(2);
            String sinceRun = since.json().get("schedulerRunId").asText();
            assertThat(t.scheduler.segments(t.scheduler.run("acme", sinceRun)).stream().flatMap(s -> s.digests().stream()))
                    .containsExactlyInAnyOrderElementsOf(changed);
            RetryApiTest.await(t, token, sinceRun);

            var none = t.post(PATH, token, body("incremental", "p-none", List.of()));
            assertThat(none.status()).as("nothing changed since").isEqualTo(200);
            assertThat(none.json().has("schedulerRunId")).isFalse();
            assertThat(none.json().get("status").asText()).isEqualTo("succeeded");

            var full = t.post(PATH, token, body("full", "p-full", List.of()));
            assertThat(full.json().get("stats").get("deduped").asInt()).as("full: every image").isEqualTo(12);

            JsonNode got = t.get(PATH + "/p-since", token).json();
            assertThat(got.get("mode").asText()).isEqualTo("incremental");
            assertThat(got.get("schedulerRunId").asText()).isEqualTo(sinceRun);
            assertThat(t.get(PATH + "/p-full", token).json().get("mode").asText()).isEqualTo("full");
        }
    }

    @Test
    void aSimulationIsReadBackByItsIdAndWritesNoRun() {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 4, "payments", List.of("pkg:npm/lodash@4.17.20"));
            var sim = t.post(PATH, token, body("simulate", "p-sim", List.of()));
            assertThat(sim.status()).as(sim.toString()).isEqualTo(200);
            assertThat(sim.json().get("runId").asText()).isEqualTo("p-sim");
            assertThat(sim.json().get("simulation").get("total").asInt()).isEqualTo(4);

            var back = t.get(PATH + "/p-sim", token);
            assertThat(back.status()).as(back.toString()).isEqualTo(200);
            assertThat(back.json().get("mode").asText()).isEqualTo("simulate");
            assertThat(back.json().get("simulation").get("total").asInt()).isEqualTo(4);
            assertThat(back.json().has("schedulerRunId")).isFalse();
            assertThat(t.get("/api/v1/scheduler/runs", token).json().get("items")).isEmpty();
            assertThat(t.get(PATH + "/p-sim", t.token("globex")).status()).isEqualTo(404);
        }
    }
}
