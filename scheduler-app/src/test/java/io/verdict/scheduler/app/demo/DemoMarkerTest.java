package io.verdict.scheduler.app.demo;

import io.verdict.scheduler.app.serve.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart over a stored demo estate skips seeding, and only while the store really holds that estate. */
class DemoMarkerTest {
    @TempDir
    Path data;

    @Test
    void holdsOnlyTheRecordedEstateWithEveryDigestStored() throws Exception {
        DemoEstate estate = new DemoEstate(42);
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < 20; i++) stored.add(DemoEstate.tenantOf(i) + "/" + estate.digest(i));
        DemoMarker marker = new DemoMarker(data, 42, 42, 20);
        assertThat(marker.holds(estate, 20, (t, d) -> stored.contains(t + "/" + d))).as("no marker yet").isFalse();

        marker.record();
        assertThat(marker.holds(estate, 20, (t, d) -> stored.contains(t + "/" + d))).isTrue();
        assertThat(Files.readString(data.resolve(DemoMarker.FILE))).contains("images 20");
        assertThat(new DemoMarker(data, 42, 42, 30).holds(estate, 30, (t, d) -> true)).as("another size").isFalse();
        assertThat(new DemoMarker(data, 42, 7, 20).holds(estate, 20, (t, d) -> true)).as("other baselines").isFalse();

        stored.remove(DemoEstate.tenantOf(13) + "/" + estate.digest(13));
        assertThat(marker.holds(estate, 20, (t, d) -> stored.contains(t + "/" + d))).as("an image is gone").isFalse();

        marker.clear();
        assertThat(marker.holds(estate, 20, (t, d) -> true)).isFalse();
    }

    @Test
    void restartSkipsSeedingButRestoresARemovedDemoImage() {
        List<String> argv = List.of("--port", "0", "--host", "127.0.0.1", "--demo", "--demo-images", "40",
                "--data-dir", data.toString(), "--workers", "0");
        Map<String, String> env = Map.of("SCHEDULER_SIM_LATENCY_MS", "0");
        String removed = new DemoEstate(42).digest(5); // image 5 is in tenant demo
        try (ServeCommand.Running svc = ServeCommand.start(argv, new PrintStream(new ByteArrayOutputStream()), env)) {
            assertThat(svc.scheduler().indexedImages()).isEqualTo(40);
            assertThat(Files.exists(data.resolve(DemoMarker.FILE))).isTrue();
            assertThat(svc.scheduler().removeImage("demo", removed)).isTrue();
        }
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        try (ServeCommand.Running svc = ServeCommand.start(argv, new PrintStream(banner), env)) {
            assertThat(svc.scheduler().indexedImage("demo", removed)).as("seeded again: a digest was missing").isPresent();
            assertThat(svc.scheduler().indexedImages()).isEqualTo(40);
            assertThat(svc.scheduler().latestVerdict("demo", removed)).isPresent();
        }
        try (ServeCommand.Running svc = ServeCommand.start(argv, new PrintStream(banner), env)) {
            assertThat(svc.scheduler().indexedImages()).as("skipped seeding, estate intact").isEqualTo(40);
            assertThat(svc.scheduler().schedules().list("demo")).hasSize(2);
        }
        assertThat(banner.toString()).contains("demo estate: 40 images");
    }
}
