package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.TestKeys;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs API, preview, intake, images, policy runs, console views, downloads and metrics over a live server. */
class RunApiTest {
    static final String API = "/api/v1/scheduler";
    static TestServer t;
    static String token;
    static List<String> payments;

    @BeforeAll
    static void start() {
        t = new TestServer();
        token = t.token("acme");
        payments = t.indexImages("acme", 12, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.indexImages("acme", 4, "search", List.of("pkg:pypi/urllib3@1.26.0"));
        t.indexImages("globex", 6, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.scheduler.startWorkers(2);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static JsonNode await(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode r;
        do {
            r = t.get(API + "/runs/" + runId, token).json();
            if (Set.of("completed", "cancelled", "error").contains(r.get("state").asText())) return r;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("run did not finish: " + r);
    }

    @Test
    void manualRunOverASelectorCompletesAndIsListedRetriedAndDownloadable() throws Exception {
        var created = t.send("POST", API + "/runs", token, """
                {"selector":{"scope":"by-namespace","namespaces":["payments"]},"reason":"after the incident","policySnapshot":"pol-7"}""",
                Map.of("X-Correlation-Id", "manual-1"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode run = created.json();
        String runId = run.get("id").asText();
        assertThat(run.get("trigger").asText()).isEqualTo("manual");
        assertThat(run.get("reason").get("manualReason").asText()).isEqualTo("after the incident");
        assertThat(run.get("reason").get("correlationId").asText()).isEqualTo("manual-1");
        assertThat(run.get("reason").get("policyRevision").asText()).isEqualTo("pol-7");
        assertThat(run.get("stats").get("deduped").asInt()).isEqualTo(12);

        JsonNode done = await(runId);
        assertThat(done.get("state").asText()).isEqualTo("completed");
        assertThat(done.get("stats").get("completed").asInt()).isEqualTo(12);

        // deltas, paginated by digest
        List<String> digests = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = t.get(API + "/runs/" + runId + "/deltas?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), token).json();
            page.get("items").forEach(d -> digests.add(d.get("imageDigest").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        assertThat(digests).hasSize(done.get("stats").get("deltas").asInt()).isSorted().doesNotHaveDuplicates();

        var csv = t.get("/downloads/findings/" + runId + ".csv", token);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElseThrow()).startsWith("runId,imageDigest,");
        assertThat(csv.body().lines().skip(1).map(l -> l.split(",")[1]).distinct().toList()).containsExactlyInAnyOrderElementsOf(digests);

        var retry = t.post(API + "/runs/" + runId + "/retry", token, "{\"scope\":\"all\"}");
        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        assertThat(retry.json().get("retryOf").asText()).isEqualTo(runId);
        await(retry.json().get("id").asText());

        JsonNode rows = t.get("/console/runs?tab=completed&trigger=manual", token).json();
        assertThat(rows.get("items").findValuesAsText("runId")).contains(runId, retry.json().get("id").asText());
        JsonNode retryRow = null;
        for (JsonNode row : rows.get("items")) if (row.get("runId").asText().equals(retry.json().get("id").asText())) retryRow = row;
        assertThat(retryRow.get("badges").toString()).contains("retry");
        assertThat(retryRow.get("progress").get("percent").asDouble()).isEqualTo(100.0);

        JsonNode detail = t.get("/console/runs/" + runId, token).json();
        assertThat(detail.get("summary").get("correlationId").asText()).isEqualTo("manual-1");
        assertThat(detail.get("phases").findValuesAsText("name")).containsExactly("planner", "queue", "execution", "post-processing");
        assertThat(detail.get("phases").findValuesAsText("state")).containsOnly("done");
        assertThat(detail.get("segments")).hasSize(run.get("shardCount").asInt());
        assertThat(detail.get("logs").findValuesAsText("message")).contains("run completed");
        assertThat(detail.get("evidence").get("findingsCsv").asText()).isEqualTo("/downloads/findings/" + runId + ".csv");

        JsonNode evidence = t.get("/console/runs/" + runId + "/evidence", token).json();
        assertThat(evidence.get("planDigest").asText()).isEqualTo(run.get("planDigest").asText());
        assertThat(evidence.get("bundle").get("available").asBoolean()).isFalse();
        var bundle = t.get("/console/runs/" + runId + "/evidence/bundle", token);
        assertThat(bundle.status()).as("runs.evidenceBundles is off by default").isEqualTo(404);
        assertThat(bundle.json().get("detail").asText()).contains("runs.evidenceBundles");

        assertThat(t.storage.audit().recent("acme", 100))
                .anySatisfy(a -> {
                    assertThat(a.action()).isEqualTo("run.create");
                    assertThat(a.target()).isEqualTo(runId);
                    assertThat(a.correlationId()).isEqualTo("manual-1");
                })
                .anySatisfy(a -> assertThat(a.action()).isEqualTo("run.retry"));
    }

    @Test
    void cancellingATerminalRunIsHarmlessAndRetryingARunningOneConflicts() throws Exception {
        String runId = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"all-images\"}}").json().get("id").asText();
        JsonNode done = await(runId);
        var cancel = t.post(API + "/runs/" + runId + "/cancel", token, null);
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(cancel.json().get("state").asText()).isEqualTo(done.get("state").asText());
        var seg = t.post(API + "/runs/" + runId + "/segments/0/retry", token, null);
        assertThat(seg.status()).as("terminal run").isEqualTo(409);
        assertThat(t.post(API + "/runs/" + runId + "/segments/999/retry", token, null).status()).isIn(404, 409);
    }

    @Test
    void advisoryIntakeIsIdempotentOnEventId() {
        String body = "{\"eventId\":\"evt-42\",\"purls\":[\"pkg:pypi/urllib3@1.26.0\"],\"vulnerabilityIds\":[\"CVE-2099-1\"],\"exportId\":\"exp-42\"}";
        var first = t.post(API + "/events/advisory", token, body);
        var second = t.post(API + "/events/advisory", token, body);
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("duplicate").asBoolean()).isTrue();
        assertThat(second.json().get("runId").asText()).isEqualTo(first.json().get("runId").asText());
        JsonNode run = t.get(API + "/runs/" + first.json().get("runId").asText(), token).json();
        assertThat(run.get("trigger").asText()).isEqualTo("concelier");
        assertThat(run.get("reason").get("concelierExportId").asText()).isEqualTo("exp-42");
        assertThat(run.get("stats").get("candidates").asInt()).isEqualTo(4);

        // the vulnerability ID is now known: a preview by ID finds the same images, and creates nothing
        int runsBefore = t.get(API + "/runs?limit=500", token).json().get("items").size();
        JsonNode preview = t.post(API + "/preview", token, "{\"vulnerabilityIds\":[\"CVE-2099-1\",\"CVE-0000-0\"],\"sampleSize\":2}").json();
        assertThat(preview.get("total").asInt()).isEqualTo(4);
        assertThat(preview.get("sample")).hasSize(2);
        assertThat(preview.get("byNamespace").get("search").asInt()).isEqualTo(4);
        assertThat(preview.get("unresolvedVulnerabilityIds").findValuesAsText("")).isEmpty();
        assertThat(preview.get("unresolvedVulnerabilityIds").get(0).asText()).isEqualTo("CVE-0000-0");
        assertThat(t.get(API + "/runs?limit=500", token).json().get("items").size()).isEqualTo(runsBefore);
    }

    @Test
    void previewNeverCrossesTenants() {
        JsonNode acme = t.post(API + "/preview", token, "{\"purls\":[\"pkg:npm/lodash@4.17.20\"]}").json();
        JsonNode globex = t.post(API + "/preview", t.token("globex"), "{\"purls\":[\"pkg:npm/lodash@4.17.20\"]}").json();
        assertThat(acme.get("total").asInt()).isEqualTo(12);
        assertThat(globex.get("total").asInt()).isEqualTo(6);
        Set<String> a = new HashSet<>(acme.get("sample").findValuesAsText("imageDigest"));
        assertThat(globex.get("sample").findValuesAsText("imageDigest")).noneMatch(a::contains);
    }

    @Test
    void imagesCanBeIndexedAndRemoved() {
        String digest = TestServer.digest("new-image");
        var put = t.put(API + "/images/" + digest, token, """
                {"registry":"registry.test","repository":"edge/proxy","namespaces":["edge"],"tags":["1.0"],
                 "labels":{"env":"prod"},"components":[{"purl":"pkg:golang/golang.org/x/net@v0.1.0","usedByEntrypoint":true}]}""");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json().get("components").asInt()).isEqualTo(1);
        assertThat(t.post(API + "/preview", token, "{\"purls\":[\"pkg:golang/golang.org/x/net@v0.1.0\"],\"usageOnly\":true}")
                .json().get("total").asInt()).isEqualTo(1);
        assertThat(t.delete(API + "/images/" + digest, t.token("globex")).status()).isEqualTo(404);
        assertThat(t.delete(API + "/images/" + digest, token).status()).isEqualTo(204);
        assertThat(t.delete(API + "/images/" + digest, token).status()).isEqualTo(404);
        assertThat(t.post(API + "/preview", token, "{\"purls\":[\"pkg:golang/golang.org/x/net@v0.1.0\"]}").json().get("total").asInt()).isZero();
    }

    @Test
    void policyRunsAreIdempotentOnRunIdAndSimulationsWriteNothing() throws Exception {
        String body = "{\"schemaVersion\":\"scheduler.policy-run-request@1\",\"policyId\":\"P-7\",\"policyVersion\":4,"
                + "\"mode\":\"full\",\"runId\":\"prun-1\",\"inputs\":{\"sbomSet\":[\"" + payments.get(0) + "\",\"" + payments.get(1) + "\"]}}";
        var first = t.post(API + "/policy/runs", token, body);
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        var again = t.post(API + "/policy/runs", token, body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("schedulerRunId").asText()).isEqualTo(first.json().get("schedulerRunId").asText());
        await(first.json().get("schedulerRunId").asText());
        JsonNode status = t.get(API + "/policy/runs/prun-1", token).json();
        assertThat(status.get("status").asText()).isEqualTo("succeeded");
        assertThat(status.get("policyRevision").asText()).isEqualTo("P-7@4");
        assertThat(status.get("stats").get("completed").asInt()).isEqualTo(2);
        assertThat(t.get(API + "/policy/runs/prun-1", t.token("globex")).status()).isEqualTo(404);

        int runsBefore = t.get(API + "/runs?limit=500", token).json().get("items").size();
        var sim = t.post(API + "/policy/runs", token, "{\"policyId\":\"P-7\",\"policyVersion\":5,\"mode\":\"simulate\"}");
        assertThat(sim.status()).isEqualTo(200);
        assertThat(sim.json().get("simulation").get("total").asInt()).isEqualTo(16);
        assertThat(t.get(API + "/runs?limit=500", token).json().get("items").size()).isEqualTo(runsBefore);
        JsonNode row = t.get("/console/runs?trigger=policy", token).json().get("items").get(0);
        assertThat(row.get("badges").toString()).contains("policy-follow-up");
    }

    @Test
    void crossTenantAdminsNameTheTenantPerRequest() {
        String admin = t.keys.es256(TestKeys.claims("acme", TestServer.ALL_SCOPES).claim("tenant", null)
                .claim("tenants", List.of("acme", "globex")).build());
        var none = t.get(API + "/runs", admin);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("errors").get(0).get("field").asText()).isEqualTo("tenant");
        assertThat(t.send("GET", "/console/queue", admin, null, Map.of("X-Tenant", "globex")).status()).isEqualTo(200);
        JsonNode globex = t.post(API + "/preview?tenant=globex", admin, "{\"purls\":[\"pkg:npm/lodash@4.17.20\"]}").json();
        assertThat(globex.get("total").asInt()).isEqualTo(6);
        assertThat(t.send("GET", API + "/runs", admin, null, Map.of("X-Tenant", "initech")).status()).isEqualTo(403);
    }

    @Test
    void queueAndMetricsReflectTheWork() throws Exception {
        String runId = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"search\"]}}").json().get("id").asText();
        await(runId);
        JsonNode queue = t.get("/console/queue", token).json();
        assertThat(queue.get("planner").get("heartbeatAgeSeconds").asDouble()).isLessThan(60);
        assertThat(queue.has("executor")).isTrue();
        JsonNode lag = t.get(API + "/runs/queue/lag", token).json();
        assertThat(lag.get("queues").findValuesAsText("tenantId")).allMatch("acme"::equals);

        String metrics = t.get("/metrics", null).body();
        assertThat(metrics).contains("scheduler_planner_runs_total{mode=\"analysisOnly\",status=\"enqueued\"}",
                "scheduler_runs_duration_seconds_count", "scheduler_run_duration_seconds_count{mode=\"analysisOnly\",result=\"completed\"}",
                "scheduler_runs_active{mode=\"analysisOnly\"}", "scheduler_runner_segments_total", "scheduler_runner_images_total",
                "scheduler_planner_heartbeat_age_seconds", "scheduler_planner_latency_seconds");
        assertThat(t.get("/readyz", null).json().get("status").asText()).isEqualTo("ready");
    }

    @Test
    void readinessIs503WhileTheEmbeddingProcessNamesAStartupPhase() {
        t.plane.startupPhase("demo estate");
        try {
            var r = t.get("/readyz", null);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains("starting (demo estate)");
            assertThat(t.get("/healthz", null).status()).isEqualTo(200);
        } finally {
            t.plane.startupPhase(null);
        }
        assertThat(t.get("/readyz", null).status()).isEqualTo(200);
    }
}
