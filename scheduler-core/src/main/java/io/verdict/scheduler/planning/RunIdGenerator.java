package io.verdict.scheduler.planning;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

/**
 * Run IDs {@code run:<tenant>:<yyyyMMddTHHmmssZ>:<nonce>}. The nonce comes from a seeded generator, so the
 * same clock and seed give the same IDs in the same order (tests, demo, replay); in production the seed is
 * random per process and the nonce keeps concurrent planners apart.
 */
public final class RunIdGenerator {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final SplittableRandom random;

    public RunIdGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public synchronized String next(String tenantId, Instant at) {
        long nonce = random.nextLong() >>> 16;
        return "run:" + tenantId + ":" + stamp(at) + ":" + String.format("%012x", nonce);
    }

    /** The {@code yyyyMMddTHHmmssZ} part of a run ID planned at {@code at}. */
    public static String stamp(Instant at) {
        return STAMP.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    /** True when {@code id} has the run ID shape. */
    public static boolean isValid(String id) {
        return id != null && id.matches("run:[A-Za-z0-9._-]{1,64}:\\d{8}T\\d{6}Z:[0-9a-f]{12}");
    }
}
