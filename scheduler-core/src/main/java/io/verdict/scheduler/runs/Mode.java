package io.verdict.scheduler.runs;

import java.util.Arrays;
import java.util.Optional;

/** What a run asks of the scanner: recompute verdicts only (default) or re-pull mutable tags first. */
public enum Mode {
    ANALYSIS_ONLY("analysis-only", "analysisOnly"),
    CONTENT_REFRESH("content-refresh", "contentRefresh");

    private final String wire;
    private final String metricLabel;

    Mode(String wire, String metricLabel) {
        this.wire = wire;
        this.metricLabel = metricLabel;
    }

    /** The JSON value, e.g. {@code analysis-only}. */
    public String wire() { return wire; }

    /** The Prometheus label value, e.g. {@code analysisOnly}. */
    public String metricLabel() { return metricLabel; }

    public static Optional<Mode> fromWire(String value) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(value)).findFirst();
    }
}
