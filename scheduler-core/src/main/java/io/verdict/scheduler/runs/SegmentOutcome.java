package io.verdict.scheduler.runs;

/**
 * What a segment recorded (so far, or when it finished); summed over segments it gives a run's
 * {@link RunStats}. {@code completed} and {@code failed} count targets, {@code deltas} images with a
 * meaningful delta.
 */
public record SegmentOutcome(int completed, int failed, int deltas, SeverityCounts severity) {

    public static final SegmentOutcome NONE = new SegmentOutcome(0, 0, 0, SeverityCounts.ZERO);

    public SegmentOutcome {
        if (completed < 0 || failed < 0 || deltas < 0) throw new IllegalArgumentException("counts are never negative");
        severity = severity == null ? SeverityCounts.ZERO : severity;
    }

    public SegmentOutcome plus(SegmentOutcome o) {
        return new SegmentOutcome(completed + o.completed, failed + o.failed, deltas + o.deltas,
                severity.plus(o.severity));
    }

    /** Adds one evaluated image; {@code delta} is null when its verdict did not change meaningfully. */
    public SegmentOutcome plusImage(DeltaSummary delta) {
        if (delta == null || !delta.isMeaningful()) return new SegmentOutcome(completed + 1, failed, deltas, severity);
        return new SegmentOutcome(completed + 1, failed, deltas + 1, severity.plus(delta.severity()));
    }

    public SegmentOutcome plusFailure() {
        return new SegmentOutcome(completed, failed + 1, deltas, severity);
    }

    /** Every target failed (attempts exhausted). */
    public static SegmentOutcome allFailed(int targets) {
        return new SegmentOutcome(0, targets, 0, SeverityCounts.ZERO);
    }

    /** Targets evaluated, successfully or not. */
    public int processed() {
        return completed + failed;
    }
}
