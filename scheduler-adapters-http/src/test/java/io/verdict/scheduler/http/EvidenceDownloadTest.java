package io.verdict.scheduler.http;

import io.verdict.scheduler.evidence.DeterministicTar;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.evidence.EvidenceVerifier;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With runs.evidenceBundles on and a signing key, a finished run's bundle downloads and verifies offline. */
class EvidenceDownloadTest {
    private static final String API = "/api/v1/scheduler";
    private final KeyPair keys = Ed25519Keys.generate();
    private final TestServer t = new TestServer(
            s -> s.withFlags(new FeatureFlags(true, true, true, true)),
            b -> b.evidenceSigner(Ed25519Keys.signer(keys)));

    @AfterEach
    void stop() {
        t.close();
    }

    private byte[] download(String path, String token) throws Exception {
        HttpResponse<byte[]> r = t.http.send(HttpRequest.newBuilder(t.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/gzip");
        return r.body();
    }

    @Test
    void signedBundleOfAFinishedRunVerifiesWithThePublicKeyAndIsStable() throws Exception {
        t.indexImages("acme", 8, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.scheduler.startWorkers(1);
        String token = t.token("acme");
        String runId = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"evidence\"}")
                .json().get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!t.get(API + "/runs/" + runId, token).json().get("state").asText().equals("completed")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(t.get("/console/runs/" + runId + "/evidence", token).json().get("bundle").get("available").asBoolean()).isTrue();

        byte[] bundle = download("/console/runs/" + runId + "/evidence/bundle", token);
        assertThat(download("/console/runs/" + runId + "/evidence/bundle", token)).isEqualTo(bundle);
        assertThat(DeterministicTar.read(bundle)).containsKeys("manifest.json", "attestation.dsse.json", "findings-delta.csv");
        assertThat(EvidenceVerifier.verify(bundle, keys.getPublic()).valid()).isTrue();
        assertThat(EvidenceVerifier.verify(bundle, Ed25519Keys.generate().getPublic()).valid()).isFalse();

        // Another tenant cannot learn the run exists.
        assertThat(t.get("/console/runs/" + runId + "/evidence/bundle", t.token("globex")).status()).isEqualTo(404);
    }

    @Test
    void evidenceShowsTheInputsTheRunWasPlannedWithAndTheBundleReplays() throws Exception {
        t.indexImages("acme", 8, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.scheduler.startWorkers(1);
        String token = t.token("acme");
        java.time.Instant builtAtPlanning = t.scheduler.indexBuiltAt();
        String runId = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"replay me\"}")
                .json().get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!t.get(API + "/runs/" + runId, token).json().get("state").asText().equals("completed")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(5);
        t.indexImages("acme", 2, "search", List.of("pkg:npm/lodash@4.17.20"));
        assertThat(t.scheduler.indexBuiltAt()).isAfter(builtAtPlanning);

        var inputs = t.get("/console/runs/" + runId + "/evidence", token).json().get("inputs");
        assertThat(java.time.Instant.parse(inputs.get("indexBuiltAt").asText())).isEqualTo(builtAtPlanning);
        assertThat(inputs.get("recordedAtPlanning").asBoolean()).isTrue();
        assertThat(inputs.get("plan").get("targets").get("count").asInt()).isEqualTo(8);
        assertThat(inputs.get("plan").get("manualReason").asText()).isEqualTo("replay me");
        assertThat(runId).endsWith(":" + inputs.get("plan").get("idNonce").asText());

        byte[] bundle = download("/console/runs/" + runId + "/evidence/bundle", token);
        var replay = io.verdict.scheduler.planning.Replay.bundle(bundle);
        assertThat(replay.reproduced()).isTrue();
        assertThat(replay.replayedDigest()).isEqualTo(t.get(API + "/runs/" + runId, token).json().get("planDigest").asText());
    }
}
