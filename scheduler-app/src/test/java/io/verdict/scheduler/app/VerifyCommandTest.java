package io.verdict.scheduler.app;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.app.evidence.EvidenceKeyFile;
import io.verdict.scheduler.evidence.DeterministicTar;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandTest {
    @Test
    void verifiesABundleOfflineAndRejectsATamperedOne(@TempDir Path dir) throws Exception {
        KeyPair keys = EvidenceKeyFile.loadOrCreate(dir);
        assertThat(EvidenceKeyFile.loadOrCreate(dir).getPublic()).as("created once, then reused").isEqualTo(keys.getPublic());
        byte[] bundle;
        try (Scheduler s = Scheduler.builder().seed(1).evidenceSigner(Ed25519Keys.signer(keys)).build()) {
            s.indexImage(new ImageRecord("acme", "sha256:" + "cd".repeat(32), "r", "a/b", List.of("a"), List.of(), Map.of(),
                    List.of(new Component("pkg:npm/x@1", false))));
            s.startWorkers(1);
            Run run = s.plan(PlanRequest.sweep("acme", Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages("acme"),
                    RunReason.manual("verify", null), null)).run();
            s.awaitTerminal("acme", run.id(), Duration.ofSeconds(10));
            bundle = ((io.verdict.scheduler.usecases.SealEvidence.Result.Sealed) s.useCases().sealEvidence()
                    .execute(new io.verdict.scheduler.usecases.SealEvidence.Command("acme", run.id()))).tarGz();
        }
        Path file = dir.resolve("bundle.tar.gz");
        Files.write(file, bundle);
        Path pub = dir.resolve(EvidenceKeyFile.PUBLIC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[]{"verify", "--bundle", file.toString(), "--public-key", pub.toString()}, o, System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK ");

        Map<String, byte[]> files = new TreeMap<>(DeterministicTar.read(bundle));
        files.put("findings-delta.csv", "forged".getBytes(StandardCharsets.UTF_8));
        Files.write(file, DeterministicTar.write(files));
        out.reset();
        assertThat(Main.run(new String[]{"verify", "--bundle", file.toString(), "--public-key", pub.toString()}, o, System.err)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("INVALID file findings-delta.csv does not match the manifest");
        assertThat(Main.run(new String[]{"verify", "--bundle", file.toString()}, o, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
    }
}
