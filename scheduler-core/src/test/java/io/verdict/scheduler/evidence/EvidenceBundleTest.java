package io.verdict.scheduler.evidence;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceBundleTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");
    private static final KeyPair KEYS = Ed25519Keys.generate();

    private static byte[] bundleOfARun() throws Exception {
        ManualClock clock = new ManualClock(T0);
        SimulatedScanner scanner = new SimulatedScanner(3, new SimulatedScanner.Profile(Duration.ZERO, 0, 0, 0, 0.6), clock);
        io.verdict.scheduler.Storage storage = io.verdict.scheduler.Storage.inMemory(clock);
        Scheduler s = Scheduler.builder().clock(clock).seed(3).storage(storage).scanner(scanner).segmentSize(7).build();
        TestEstate.images("acme", 40).forEach(i -> {
            s.indexImage(i);
            storage.verdicts().save("acme", scanner.baseline(i.digest(), T0));
        });
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:deb/debian/openssl@3.0.11-1"), null));
        var w = s.newWorker("w");
        while (w.runOnce()) { }
        Run run = s.run("acme", p.run().id());
        return EvidenceBundle.tarGz(EvidenceBundle.files(run, s.stats(run), s.segments(run), s.deltas(run),
                s.indexBuiltAt(), Ed25519Keys.signer(KEYS)));
    }

    @Test
    void identicalRunsGiveByteIdenticalBundlesThatVerifyOffline() throws Exception {
        byte[] a = bundleOfARun();
        byte[] b = bundleOfARun();
        assertThat(a).isEqualTo(b);
        Map<String, byte[]> files = DeterministicTar.read(a);
        assertThat(files).containsOnlyKeys("manifest.json", "deltas.json", "findings-delta.csv", "policy-summary.json",
                "targets.json", "attestation.dsse.json");
        assertThat(new String(files.get("findings-delta.csv"), StandardCharsets.UTF_8)).startsWith(FindingsCsv.HEADER);
        assertThat(EvidenceVerifier.verify(a, KEYS.getPublic()).valid()).isTrue();
    }

    @Test
    void tamperingOrAnotherKeyIsDetected() throws Exception {
        byte[] bundle = bundleOfARun();
        assertThat(EvidenceVerifier.verify(bundle, Ed25519Keys.generate().getPublic()).problems())
                .contains("attestation signature does not verify with this key");
        Map<String, byte[]> files = new TreeMap<>(DeterministicTar.read(bundle));
        files.put("deltas.json", "[]".getBytes(StandardCharsets.UTF_8));
        assertThat(EvidenceVerifier.verify(DeterministicTar.write(files), KEYS.getPublic()).problems())
                .contains("file deltas.json does not match the manifest");
    }

    @Test
    void csvCellsCannotInjectFormulas() {
        assertThat(FindingsCsv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(FindingsCsv.cell("a,b")).isEqualTo("\"a,b\"");
    }
}
