package io.verdict.scheduler.runs;

/** What a finished segment recorded; summed over segments it gives a run's {@link RunStats}. */
public record SegmentOutcome(
        int completed,
        int failed,
        int deltas,
        int newCriticals,
        int newHigh,
        int newMedium,
        int newLow,
        int resolved,
        int quieted,
        int kevHits) {

    public static final SegmentOutcome NONE = new SegmentOutcome(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public SegmentOutcome plus(SegmentOutcome o) {
        return new SegmentOutcome(completed + o.completed, failed + o.failed, deltas + o.deltas,
                newCriticals + o.newCriticals, newHigh + o.newHigh, newMedium + o.newMedium, newLow + o.newLow,
                resolved + o.resolved, quieted + o.quieted, kevHits + o.kevHits);
    }

    /** Adds one evaluated image; {@code delta} is null when its verdict did not change meaningfully. */
    public SegmentOutcome plusImage(DeltaSummary delta) {
        if (delta == null || !delta.isMeaningful()) {
            return plus(new SegmentOutcome(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        return plus(new SegmentOutcome(1, 0, 1, delta.newCriticals(), delta.newHigh(), delta.newMedium(),
                delta.newLow(), delta.resolved(), delta.quieted(), delta.kevHits().size()));
    }

    public SegmentOutcome plusFailure() {
        return plus(new SegmentOutcome(0, 1, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
