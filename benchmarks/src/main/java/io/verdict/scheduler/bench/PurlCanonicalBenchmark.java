package io.verdict.scheduler.bench;

import io.verdict.scheduler.purl.PackageUrl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Canonicalising purls as SBOMs write them (mixed types, percent-encoding, qualifiers, upper case): the cost per
 * purl of {@code PackageUrl.parse(..).matchKey()}. The score is per purl; × 10^6 gives the time for 1 M purls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PurlCanonicalBenchmark {
    static final int BATCH = 10_000;
    private final String[] purls = new String[BATCH];

    @Setup
    public void build() {
        String[] shapes = {
            "pkg:deb/debian/libssl%d@3.0.11-1~deb12u%d?arch=amd64&distro=debian-12",
            "pkg:npm/%%40scope%d/Package-%d@1.2.3",
            "pkg:maven/org.example.group%d/artifact-%d@2.17.1?type=jar",
            "pkg:pypi/Some_Package.%d@%d.0.post1",
            "pkg:golang/github.com/Org%d/repo@v1.%d.0",
            "pkg:DEB/Ubuntu/zlib1g%d@1%%3A1.2.13.dfsg-%d",
        };
        for (int i = 0; i < BATCH; i++) purls[i] = String.format(shapes[i % shapes.length], i, i % 9);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void canonicalise(Blackhole bh) {
        for (String p : purls) bh.consume(PackageUrl.parse(p).matchKey());
    }
}
