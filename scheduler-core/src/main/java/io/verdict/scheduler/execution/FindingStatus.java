package io.verdict.scheduler.execution;

import java.util.Locale;

/** Status of a finding in a scanner report. */
public enum FindingStatus {
    AFFECTED, NOT_AFFECTED, FIXED, UNDER_INVESTIGATION;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static FindingStatus fromWire(String v) {
        return valueOf(v.toUpperCase(Locale.ROOT));
    }
}
