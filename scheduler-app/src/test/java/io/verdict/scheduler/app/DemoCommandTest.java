package io.verdict.scheduler.app;

import io.verdict.scheduler.app.demo.DemoCommand;
import io.verdict.scheduler.runs.RunState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {
    private static DemoCommand.Result demo(long seed, int workers, double unavailable) throws Exception {
        return DemoCommand.execute(seed, 1500, workers, 40, 0, unavailable, 0.0005, "demo",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void sameSeedSameRunIdPlanDigestAndDeltas() throws Exception {
        DemoCommand.Result a = demo(11, 4, 0.0);
        DemoCommand.Result b = demo(11, 2, 0.05);
        assertThat(a.run().state()).isEqualTo(RunState.COMPLETED);
        assertThat(b.run().state()).isEqualTo(RunState.COMPLETED);
        assertThat(b.run().id()).isEqualTo(a.run().id());
        assertThat(b.run().planDigest()).isEqualTo(a.run().planDigest());
        assertThat(b.stats()).isEqualTo(a.stats());
        assertThat(a.stats().completed()).isEqualTo(a.impacted()).isPositive();
        assertThat(a.stats().deltas()).isPositive();
        DemoCommand.Result c = demo(12, 4, 0.0);
        assertThat(c.run().planDigest()).isNotEqualTo(a.run().planDigest());
    }

    @Test
    void printsLiveProgressAndTheSummary() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"demo", "--images", "800", "--seed", "3", "--latency-ms", "20"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("progress  ").contains("targets/min").containsPattern("run +run:demo:20251026T140511Z:[0-9a-f]{12}")
                .contains("state     completed").containsPattern("plan +sha256:[0-9a-f]{64}");
    }

    @Test
    void badArgumentsExitNonZeroWithAClearMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[]{"demo", "--images", "lots"}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"demo", "--workers", "0"}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"demo", "--colour"}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"demo", "--tenant", "nobody"}, o, e)).isEqualTo(2);
        assertThat(Main.run(new String[]{"fly"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--images must be a whole number (got 'lots')")
                .contains("--workers must be between 1 and 256")
                .contains("unknown option --colour")
                .contains("--tenant must be one of")
                .contains("unknown command 'fly'");
    }
}
