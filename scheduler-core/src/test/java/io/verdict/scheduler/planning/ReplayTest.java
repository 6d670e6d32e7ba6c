package io.verdict.scheduler.planning;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;
import io.verdict.scheduler.evidence.DeterministicTar;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.evidence.EvidenceVerifier;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.schedules.ScheduleSpec;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Replay re-plans a run from its evidence bundle alone and reproduces its planDigest, for every trigger kind. */
class ReplayTest {
    private static final Instant T0 = Instant.parse("2025-10-26T01:55:00Z");
    private static final KeyPair KEYS = Ed25519Keys.generate();
    private static final String OPENSSL = "pkg:deb/debian/openssl@3.0.11-1";
    private static final String LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

    private ManualClock clock;
    private Scheduler s;

    @BeforeEach
    void estate() {
        clock = new ManualClock(T0);
        SimulatedScanner scanner = new SimulatedScanner(3, new SimulatedScanner.Profile(Duration.ZERO, 0, 0, 0, 0.6), clock);
        s = Scheduler.builder().clock(clock).seed(5).scanner(scanner).segmentSize(7)
                .evidenceSigner(Ed25519Keys.signer(KEYS)).build();
        TestEstate.images("acme", 40).forEach(i -> {
            s.indexImage(i);
            s.importVerdict("acme", scanner.baseline(i.digest(), T0));
        });
    }

    private byte[] sealed(String runId) {
        var r = s.useCases().sealEvidence().execute(new io.verdict.scheduler.usecases.SealEvidence.Command("acme", runId));
        return ((io.verdict.scheduler.usecases.SealEvidence.Result.Sealed) r).tarGz();
    }

    private byte[] finishAndBundle(String runId) throws InterruptedException {
        var w = s.newWorker("w");
        while (w.runOnce()) { }
        byte[] bundle = sealed(runId);
        assertThat(EvidenceVerifier.verify(bundle, KEYS.getPublic()).valid()).isTrue();
        return bundle;
    }

    private void assertReproduced(String runId) throws InterruptedException {
        Run run = s.run("acme", runId);
        Replay.Result r = Replay.bundle(finishAndBundle(runId));
        assertThat(r.problems()).isEmpty();
        assertThat(r.reproduced()).isTrue();
        assertThat(r.replayedDigest()).isEqualTo(run.planDigest()).isEqualTo(r.recordedDigest());
        assertThat(r.segments()).isEqualTo(run.shardCount());
        assertThat(r.targets()).isEqualTo(run.deduped());
    }

    @Test
    void manualRunWithSelectorAndCapIsReproduced() throws Exception {
        PlanRequest req = PlanRequest.sweep("acme", Trigger.MANUAL, Mode.CONTENT_REFRESH,
                Selector.byNamespace("acme", "payments"), RunReason.manual("after the openssl patch", null), null)
                .withMaxJobs(9).withPriority(Set.of(LOG4J));
        PlannedRun p = s.plan(req);
        assertThat(p.run().deduped()).isEqualTo(9);
        assertReproduced(p.run().id());
        // The run stores only what the cap cut off; the bundle's target list is all 20 payments images again.
        assertThat(s.run("acme", p.run().id()).planInputs().cappedTargets()).hasSize(11);
        @SuppressWarnings("unchecked")
        Map<String, Object> targets = (Map<String, Object>) inputs(manifest(sealed(p.run().id())))
                .get("targets");
        assertThat(targets).containsEntry("count", 20L).containsEntry("cappedCount", 11L);
    }

    @Test
    void cronRunIsReproduced() throws Exception {
        s.schedules().create(new Caller("acme", "alice", "c-1"), ScheduleSpec.simple("nightly", "0 2 * * *", "UTC"));
        clock.advance(Duration.ofMinutes(6));
        s.tick();
        Run cron = s.runs(RunFilter.tenant("acme"), null, 10).items().getFirst();
        assertThat(cron.trigger()).isEqualTo(Trigger.CRON);
        assertReproduced(cron.id());
    }

    @Test
    void advisoryVexAndPolicyRunsAreReproducedAndRecordTheCursorsOfTheirTime() throws Exception {
        String advisory = s.intake(new IntakeEvent("evt-1", IntakeEvent.Source.CONCELIER, "acme", Set.of(OPENSSL, LOG4J),
                Set.of("CVE-1"), Set.of(LOG4J), "export-1", T0)).runId().orElseThrow();
        assertReproduced(advisory);
        clock.advance(Duration.ofMinutes(1));
        String vex = s.intake(new IntakeEvent("evt-2", IntakeEvent.Source.EXCITITOR, "acme", Set.of(OPENSSL),
                Set.of(), Set.of(), "vex-1", T0.plusSeconds(60))).runId().orElseThrow();
        assertReproduced(vex);
        clock.advance(Duration.ofMinutes(1));
        String policy = s.intake(new IntakeEvent("evt-3", IntakeEvent.Source.POLICY, "acme", Set.of(),
                Set.of(), Set.of(), "rev-7", T0.plusSeconds(120))).runId().orElseThrow();

        // The index changes after planning: the policy run's evidence keeps the stamp and cursors it was planned with.
        Instant builtAtPlanning = s.indexBuiltAt();
        clock.advance(Duration.ofMinutes(5));
        TestEstate.images("acme", 41).stream().skip(40).forEach(s::indexImage);
        assertThat(s.indexBuiltAt()).isNotEqualTo(builtAtPlanning);
        assertReproduced(policy);

        Map<String, Object> inputs = inputs(manifest(sealed(policy)));
        assertThat(inputs.get("indexBuiltAt")).isEqualTo(builtAtPlanning.toString());
        assertThat(inputs.get("cursors")).isEqualTo(Map.of("concelier", "evt-1", "excititor", "evt-2"));
        assertThat(inputs.get("policyRevision")).isEqualTo("rev-7");
        assertThat(inputs.get("allImages")).isEqualTo(true);
        assertThat(inputs.get("segmentSize")).isEqualTo(7L);
        assertThat(policy).endsWith(":" + inputs.get("idNonce"));
    }

    @Test
    void aTamperedManifestOrTargetListIsNotReproduced() throws Exception {
        String runId = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of(OPENSSL), null)).run().id();
        byte[] bundle = finishAndBundle(runId);
        String recorded = s.run("acme", runId).planDigest();

        Replay.Result segmentSize = Replay.bundle(withInput(bundle, "segmentSize", 8));
        assertThat(segmentSize.reproduced()).isFalse();
        assertThat(segmentSize.replayedDigest()).isNotEqualTo(recorded);
        assertThat(segmentSize.problems()).contains("re-planned digest differs from the recorded planDigest");

        assertThat(Replay.bundle(withInput(bundle, "manualReason", "edited")).replayedDigest()).isNotEqualTo(recorded);
        assertThat(Replay.bundle(withInput(bundle, "idNonce", "000000000000")).problems())
                .anyMatch(p -> p.startsWith("run ID " + runId + " is not the one"));

        Map<String, byte[]> files = new TreeMap<>(DeterministicTar.read(bundle));
        @SuppressWarnings("unchecked")
        Map<String, Object> targets = (Map<String, Object>) JsonReader.parse(
                new String(files.get("targets.json"), StandardCharsets.UTF_8));
        List<Object> fewer = new ArrayList<>((List<?>) targets.get("targets"));
        fewer.removeFirst();
        targets.put("targets", fewer);
        files.put("targets.json", CanonicalJson.bytes(targets));
        Replay.Result dropped = Replay.bundle(DeterministicTar.write(files));
        assertThat(dropped.reproduced()).isFalse();
        assertThat(dropped.problems()).contains("targets.json does not match the digest in the manifest's inputs");
        assertThat(dropped.replayedDigest()).isNotEqualTo(recorded);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifest(byte[] bundle) {
        return (Map<String, Object>) JsonReader.parse(new String(DeterministicTar.read(bundle).get("manifest.json"),
                StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> inputs(Map<String, Object> manifest) {
        return (Map<String, Object>) manifest.get("inputs");
    }

    private static byte[] withInput(byte[] bundle, String key, Object value) {
        Map<String, Object> manifest = manifest(bundle);
        inputs(manifest).put(key, value);
        Map<String, byte[]> files = new TreeMap<>(DeterministicTar.read(bundle));
        files.put("manifest.json", CanonicalJson.bytes(manifest));
        return DeterministicTar.write(files);
    }
}
