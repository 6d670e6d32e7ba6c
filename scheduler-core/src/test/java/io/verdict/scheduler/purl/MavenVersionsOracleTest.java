package io.verdict.scheduler.purl;

import org.apache.maven.artifact.versioning.ComparableVersion;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MavenVersions} against Maven's own {@code ComparableVersion} (maven-artifact, test scope only) on
 * randomized versions built from numbers, the well-known qualifiers, unknown words and every separator.
 */
class MavenVersionsOracleTest {
    private static final String[] WORDS = {"alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final",
            "release", "sp", "a", "b", "m", "foo", "xyz"};
    private static final String[] SEPARATORS = {".", "-", ""};

    private static String random(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder().append(rnd.nextInt(4));
        int parts = rnd.nextInt(5);
        boolean lastDigit = true;
        for (int i = 0; i < parts; i++) {
            boolean digit = rnd.nextBoolean();
            String sep = SEPARATORS[rnd.nextInt(SEPARATORS.length)];
            if (sep.isEmpty() && digit == lastDigit) sep = ".";
            b.append(sep).append(digit ? String.valueOf(rnd.nextInt(12)) : WORDS[rnd.nextInt(WORDS.length)]);
            lastDigit = digit;
        }
        return b.toString();
    }

    @Test
    void ordersRandomVersionsAsComparableVersionDoes() {
        SplittableRandom rnd = new SplittableRandom(20251201);
        for (int i = 0; i < 20_000; i++) {
            String a = random(rnd);
            String b = random(rnd);
            int expected = Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b)));
            assertThat(Integer.signum(MavenVersions.INSTANCE.compare(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
        }
    }
}
