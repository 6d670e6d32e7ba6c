package io.verdict.scheduler.runs;

import java.util.Locale;

/** Finding severity, ordered from most to least urgent. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static Severity fromWire(String value) {
        if (value == null) return UNKNOWN;
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }
}
