package io.verdict.scheduler.bench;

import io.verdict.scheduler.impact.Globs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One glob against one value, for the patterns that made the old regex-based matcher backtrack for hours, at the
 * largest bounds a selector accepts ({@link Globs#MAX_PATTERN_LENGTH}-character pattern) against a 512-character
 * repository name (the longest the API accepts). The slowest of these is the worst case per (pattern, value).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GlobMatchBenchmark {
    @Param({"stars-Z", "star-a-Z", "star-any-Z", "a-star-b", "literal-prefix"})
    String shape;

    private String glob;
    private String value;

    @Setup
    public void setUp() {
        int max = Globs.MAX_PATTERN_LENGTH;
        glob = switch (shape) {
            case "stars-Z" -> "*".repeat(max - 1) + "Z";
            case "star-a-Z" -> "*a".repeat((max - 1) / 2) + "Z";
            case "star-any-Z" -> "*?".repeat((max - 1) / 2) + "Z";
            case "a-star-b" -> "a*".repeat((max - 1) / 2) + "b";
            case "literal-prefix" -> "registry.example/team/" + "*";
            default -> throw new IllegalArgumentException(shape);
        };
        value = "a".repeat(512);
    }

    @Benchmark
    public boolean match() {
        return Globs.matches(glob, value);
    }
}
