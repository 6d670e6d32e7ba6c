package io.verdict.scheduler.simulation;

import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.ScanRequest;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.execution.ScannerException;
import io.verdict.scheduler.runs.Severity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scanner with no network: verdicts are a pure function of (seed, image digest), so the same run gives the
 * same deltas on any node and after any crash; latency and transient failures are drawn from a seeded stream
 * and do not change verdicts. {@link #baseline} is the report from "before the advisory", which the demo stores
 * as every image's previous verdict.
 */
public final class SimulatedScanner implements Scanner {
    /** @param changeRate share of images whose verdict changes after the advisory (0..1) */
    public record Profile(Duration latency, double unavailableRate, double timeoutRate, double rejectRate,
                          double changeRate) {
        public static final Profile FAST = new Profile(Duration.ZERO, 0, 0, 0, 0.3);

        public Profile {
            for (double r : new double[]{unavailableRate, timeoutRate, rejectRate, changeRate}) {
                if (r < 0 || r > 1) throw new IllegalArgumentException("rates must be within [0,1]");
            }
        }
    }

    private static final String[] PACKAGES = {"openssl", "glibc", "zlib", "curl", "libxml2", "lodash", "log4j-core",
            "jackson-databind", "netty-codec", "spring-core", "urllib3", "requests", "express", "busybox", "expat"};

    private final long seed;
    private final Profile profile;
    private final Clock clock;
    private final SplittableRandom faults;
    private final AtomicLong calls = new AtomicLong();

    public SimulatedScanner(long seed, Profile profile, Clock clock) {
        this.seed = seed;
        this.profile = profile;
        this.clock = clock;
        this.faults = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    public long calls() {
        return calls.get();
    }

    @Override
    public ScanReport analyze(ScanRequest request) {
        calls.incrementAndGet();
        double roll;
        long jitter;
        synchronized (faults) {
            roll = faults.nextDouble();
            jitter = profile.latency().isZero() ? 0 : faults.nextLong(profile.latency().toMillis() + 1);
        }
        if (roll < profile.unavailableRate()) throw new ScannerException.Unavailable("simulated 503");
        roll -= profile.unavailableRate();
        if (roll < profile.timeoutRate()) throw new ScannerException.Timeout("simulated timeout");
        roll -= profile.timeoutRate();
        if (roll < profile.rejectRate()) throw new ScannerException.Rejected("simulated 422");
        if (!profile.latency().isZero()) {
            try {
                Thread.sleep(profile.latency().toMillis() / 2 + jitter / 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScannerException.Timeout("interrupted");
            }
        }
        return report(request.imageDigest(), true, clock.instant());
    }

    /** The verdict before the advisory landed. */
    public ScanReport baseline(String imageDigest, Instant at) {
        return report(imageDigest, false, at);
    }

    private ScanReport report(String digest, boolean afterAdvisory, Instant at) {
        SplittableRandom r = new SplittableRandom(seed * 31 + digest.hashCode());
        List<Finding> findings = new ArrayList<>();
        int base = r.nextInt(4);
        for (int i = 0; i < base; i++) findings.add(finding(r, digest, i, false));
        boolean changes = r.nextDouble() < profile.changeRate();
        if (afterAdvisory && changes) {
            int kind = r.nextInt(10);
            if (kind < 6) {
                findings.add(finding(r, digest, 100, r.nextInt(8) == 0)); // a new finding, sometimes KEV
            } else if (kind < 8 && !findings.isEmpty()) {
                Finding f = findings.remove(0); // a VEX statement quiets it
                findings.add(new Finding(f.vulnerabilityId(), f.purl(), f.severity(), f.kev(), FindingStatus.NOT_AFFECTED));
            } else if (!findings.isEmpty()) {
                Finding f = findings.remove(0); // fixed upstream
                findings.add(new Finding(f.vulnerabilityId(), f.purl(), f.severity(), f.kev(), FindingStatus.FIXED));
            } else {
                findings.add(finding(r, digest, 101, false));
            }
        }
        String verdict = findings.stream().anyMatch(f -> f.status() == FindingStatus.AFFECTED
                && f.severity().atLeast(Severity.HIGH)) ? "fail" : findings.isEmpty() ? "pass" : "warn";
        String reportId = "rpt-" + Long.toHexString((seed * 131 + digest.hashCode()) & 0xffffffffL)
                + (afterAdvisory ? "-1" : "-0");
        return new ScanReport(reportId, digest, verdict, findings, at);
    }

    private static Finding finding(SplittableRandom r, String digest, int salt, boolean kev) {
        String pkg = PACKAGES[r.nextInt(PACKAGES.length)];
        int year = 2023 + r.nextInt(3);
        String cve = "CVE-" + year + "-" + (10000 + r.nextInt(50000));
        Severity sev = Severity.values()[r.nextInt(4)];
        return new Finding(cve, "pkg:generic/" + pkg + "@" + (1 + r.nextInt(3)) + "." + r.nextInt(20) + "." + salt,
                sev, kev, FindingStatus.AFFECTED);
    }
}
