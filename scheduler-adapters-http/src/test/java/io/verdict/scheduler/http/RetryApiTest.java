package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.execution.ScannerException;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Retrying runs and segments over HTTP: what may be retried, the cooldown, and what a full retry plans. */
class RetryApiTest {
    static final String API = "/api/v1/scheduler";
    static final Duration COOLDOWN = Duration.ofMinutes(5);

    /** Puts a segment of a run still in progress into {@code dead}, last changed at {@code at}. */
    private static void kill(TestServer t, String runId, int index, Instant at) {
        Segment s = t.storage.segments().find(runId, index).orElseThrow();
        s = t.storage.segments().update(s.leasedBy("w", s.fencingToken() + 1, at.plusSeconds(30), at));
        s = t.storage.segments().update(s.running(at));
        t.storage.segments().update(s.dead(new RunError(ErrorCode.ERR_RUN_006, "attempts exhausted"), at));
    }

    private static String manualRun(TestServer t, String token) {
        var created = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"all-images\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    @Test
    void retryOfAnUnfinishedRunAndOfAQueuedSegmentAnswer409ADeadSegment429DuringCooldownAnd202AfterIt() {
        try (TestServer t = new TestServer(s -> s, b -> b.retryPolicy(
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50), 0, 3, COOLDOWN)))) {
            String token = t.token("acme");
            t.indexImages("acme", 15, "payments", List.of("pkg:npm/lodash@4.17.20"));
            String runId = manualRun(t, token); // no workers: every segment stays queued

            var unfinished = t.post(API + "/runs/" + runId + "/retry", token, null);
            assertThat(unfinished.status()).as(unfinished.toString()).isEqualTo(409);
            assertThat(unfinished.json().get("detail").asText()).contains("queued").contains("only ended runs");

            var queued = t.post(API + "/runs/" + runId + "/segments/0/retry", token, null);
            assertThat(queued.status()).as(queued.toString()).isEqualTo(409);
            assertThat(queued.json().get("detail").asText()).contains("queued").contains("failed or dead");

            Instant now = Clock.systemUTC().instant();
            kill(t, runId, 1, now);
            var cooling = t.post(API + "/runs/" + runId + "/segments/1/retry", token, null);
            assertThat(cooling.status()).as(cooling.toString()).isEqualTo(429);
            long retryAfter = Long.parseLong(cooling.header("Retry-After"));
            assertThat(retryAfter).isBetween(COOLDOWN.toSeconds() - 5, COOLDOWN.toSeconds());
            assertThat(cooling.json().get("retryAfter").asLong()).isEqualTo(retryAfter);
            assertThat(t.storage.segments().find(runId, 1).orElseThrow().state().wire()).as("nothing changed").isEqualTo("dead");

            kill(t, runId, 2, now.minus(COOLDOWN).minusSeconds(1));
            var retried = t.post(API + "/runs/" + runId + "/segments/2/retry", token, null);
            assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
            assertThat(retried.json().get("state").asText()).isEqualTo("queued");
            assertThat(t.storage.segments().find(runId, 2).orElseThrow().state().wire()).isEqualTo("queued");
            assertThat(t.storage.audit().recent("acme", 10)).anySatisfy(a -> {
                assertThat(a.action()).isEqualTo("segment.retry");
                assertThat(a.target()).isEqualTo(runId + "#2");
            });
        }
    }

    @Test
    void segmentOfAnEndedRunAnswers409NamingTheFullRetry() {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 6, "payments", List.of("pkg:npm/lodash@4.17.20"));
            String runId = manualRun(t, token);
            kill(t, runId, 0, Clock.systemUTC().instant().minusSeconds(60));
            assertThat(t.post(API + "/runs/" + runId + "/cancel", token, null).status()).isEqualTo(200);

            var r = t.post(API + "/runs/" + runId + "/segments/0/retry", token, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(409);
            assertThat(r.json().get("detail").asText()).contains("cancelled").contains(API + "/runs/" + runId + "/retry");
            assertThat(t.storage.segments().find(runId, 0).orElseThrow().state().wire()).as("terminal states never change")
                    .isEqualTo("dead");
        }
    }

    @Test
    void fullRetryReplansOnlyTheFailedTargetsByDefaultAndEveryTargetWithScopeAll() throws Exception {
        Set<String> failing = Set.of(TestServer.digest("acme:payments:0"));
        SimulatedScanner ok = new SimulatedScanner(3, SimulatedScanner.Profile.FAST, Clock.systemUTC());
        try (TestServer t = new TestServer(s -> s, b -> b.scanner(req -> {
            if (failing.contains(req.imageDigest())) throw new ScannerException.Timeout("always");
            return ok.analyze(req);
        }))) {
            String token = t.token("acme");
            t.indexImages("acme", 12, "payments", List.of("pkg:npm/lodash@4.17.20"));
            t.scheduler.startWorkers(2);
            String runId = manualRun(t, token);
            JsonNode ended = await(t, token, runId);
            assertThat(ended.get("state").asText()).isEqualTo("error");

            var failed = t.post(API + "/runs/" + runId + "/retry", token, null);
            assertThat(failed.status()).as(failed.toString()).isEqualTo(201);
            assertThat(failed.json().get("retryOf").asText()).isEqualTo(runId);
            assertThat(failed.json().get("stats").get("deduped").asInt()).as("the dead segment's 5 targets").isEqualTo(5);

            var all = t.post(API + "/runs/" + runId + "/retry", token, "{\"scope\":\"all\"}");
            assertThat(all.status()).as(all.toString()).isEqualTo(201);
            assertThat(all.json().get("stats").get("deduped").asInt()).isEqualTo(12);

            var bad = t.post(API + "/runs/" + runId + "/retry", token, "{\"scope\":\"some\"}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("errors").get(0).get("field").asText()).isEqualTo("scope");
        }
    }

    @Test
    void fullRetryOfARunWithNothingFailedAnswers409NamingScopeAll() throws Exception {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
            t.scheduler.startWorkers(1);
            String runId = manualRun(t, token);
            assertThat(await(t, token, runId).get("state").asText()).isEqualTo("completed");
            var r = t.post(API + "/runs/" + runId + "/retry", token, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(409);
            assertThat(r.json().get("detail").asText()).contains("\"scope\":\"all\"");
        }
    }

    static JsonNode await(TestServer t, String token, String runId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode r;
        do {
            r = t.get(API + "/runs/" + runId, token).json();
            if (Set.of("completed", "cancelled", "error").contains(r.get("state").asText())) return r;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("run did not finish: " + r);
    }
}
