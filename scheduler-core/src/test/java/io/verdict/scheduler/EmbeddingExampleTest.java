package io.verdict.scheduler;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of scheduler-core/README.md, verbatim between the markers: if it stops working, this fails. */
class EmbeddingExampleTest {
    @Test
    void readmeExampleRunsARunToCompletion() throws Exception {
        // --- README example start ---
        try (Scheduler scheduler = Scheduler.builder().seed(42).segmentSize(50).build()) {
            scheduler.indexImage(new ImageRecord("acme", "sha256:" + "ab".repeat(32), "registry.example.com",
                    "payments/api", List.of("payments"), List.of("1.4.2"), Map.of("env", "prod"),
                    List.of(new Component("pkg:deb/debian/openssl@3.0.11-1?arch=amd64", true))));
            scheduler.startWorkers(2);
            var result = scheduler.intake(new IntakeEvent("evt-1", IntakeEvent.Source.CONCELIER, "acme",
                    Set.of("pkg:deb/debian/openssl@3.0.11-1"), Set.of(), Set.of(), "export-1", null));
            Run run = scheduler.awaitTerminal("acme", result.runId().orElseThrow(), Duration.ofSeconds(10));
            System.out.println(run.id() + " " + run.state() + " " + scheduler.stats(run) + " " + run.planDigest());
            // --- README example end ---
            assertThat(run.state()).isEqualTo(RunState.COMPLETED);
            assertThat(scheduler.stats(run).completed()).isEqualTo(1);
            assertThat(scheduler.intake(new IntakeEvent("evt-1", IntakeEvent.Source.CONCELIER, "acme",
                    Set.of("pkg:deb/debian/openssl@3.0.11-1"), Set.of(), Set.of(), "export-1", null)).duplicate()).isTrue();
        }
    }

    @Test
    void readmeShowsTheSameExample() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String src = java.nio.file.Files.readString(java.nio.file.Path.of(
                "src/test/java/io/verdict/scheduler/EmbeddingExampleTest.java"));
        String example = src.substring(src.indexOf("// --- README example start ---") + 31, src.indexOf("// --- README example end ---"));
        for (String line : example.strip().split("\n")) {
            assertThat(readme).as("README contains: %s", line.strip()).contains(line.strip());
        }
    }
}
