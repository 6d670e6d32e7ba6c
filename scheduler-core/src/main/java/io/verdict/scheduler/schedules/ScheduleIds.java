package io.verdict.scheduler.schedules;

import java.security.SecureRandom;
import java.util.function.Supplier;

/** Schedule ids: {@code sch-} and 16 random lower-case base-32 characters (80 bits: collisions are not a concern). */
public final class ScheduleIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScheduleIds() {}

    public static String random() {
        StringBuilder b = new StringBuilder("sch-");
        for (int i = 0; i < 16; i++) b.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return b.toString();
    }

    public static Supplier<String> randomSupplier() {
        return ScheduleIds::random;
    }
}
