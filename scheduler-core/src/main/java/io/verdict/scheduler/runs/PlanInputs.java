package io.verdict.scheduler.runs;

import io.verdict.scheduler.impact.Selector;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a run was planned from, captured at planning and stored with the run, so its evidence shows the inputs as
 * they were then (not today's index and cursors) and {@code replay} can re-plan it without the index. Together
 * with the run's trigger, mode, schedule, retry and reason this is everything {@code PlanDocument} digests.
 * It lives in {@code runs} (not {@code planning}) because {@link Run} holds it and {@code planning} depends on
 * {@code runs}: the other way round would be a package cycle.
 *
 * @param cursors         intake source → last event ID at planning (concelier, excititor, policy)
 * @param plannedAt       the instant behind the run ID (and its createdAt)
 * @param idNonce         the nonce that ends the run ID
 * @param cappedTargets   the targets {@code maxJobs} cut off, sorted (empty without a cap): with the segments'
 *                        digests they make the full target list, which is therefore not stored twice
 * @param priorityTargets the targets queued first (they contain a priority purl), sorted
 */
public record PlanInputs(
        Instant indexBuiltAt,
        Map<String, String> cursors,
        Selector selector,
        Set<String> purls,
        boolean allImages,
        boolean usageOnly,
        Set<String> priorityPurls,
        Integer onlyIfLastReportOlderThanDays,
        int segmentSize,
        Integer maxJobs,
        Instant plannedAt,
        String idNonce,
        List<String> cappedTargets,
        List<String> priorityTargets) {

    public PlanInputs {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(plannedAt, "plannedAt");
        cursors = cursors == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(cursors));
        purls = purls == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(purls));
        priorityPurls = priorityPurls == null ? Set.of()
                : java.util.Collections.unmodifiableSet(new TreeSet<>(priorityPurls));
        cappedTargets = cappedTargets == null ? List.of() : List.copyOf(new TreeSet<>(cappedTargets));
        priorityTargets = priorityTargets == null ? List.of() : List.copyOf(new TreeSet<>(priorityTargets));
        if (segmentSize < 1) throw new IllegalArgumentException("segmentSize must be >= 1");
    }

    /**
     * Every target the run was planned over — after selector, onlyIf and in-flight dedup, before the cap — sorted by
     * digest (the order the impact index resolves in): the segments' digests plus those the cap cut off.
     */
    public List<String> targets(List<Segment> segments) {
        TreeSet<String> all = new TreeSet<>(cappedTargets);
        for (Segment s : segments) all.addAll(s.digests());
        return List.copyOf(all);
    }
}
