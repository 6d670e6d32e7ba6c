package io.verdict.scheduler.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deterministic half of planning, shared by {@link Planner} and {@link Replay} so a replay cannot drift from
 * what the planner did: order the filtered targets (priority images first, each group in digest order), cap them
 * at {@code maxJobs}, cut them into segments and digest the plan document.
 */
public final class PlanShape {
    private PlanShape() {}

    /** The digest and segments of a plan, and the target count before the cap (null when no cap cut anything). */
    public record Shape(String planDigest, List<List<String>> segments, List<String> targets, Integer uncapped,
                        Map<String, Object> document) {}

    public static Shape of(PlanRequest req, int segmentSize, List<String> filtered, Set<String> urgent) {
        List<String> ordered = order(filtered, urgent);
        // limits.maxJobs: the first N of the ordered list (priority images first, then by digest) — deterministic.
        Integer uncapped = null;
        if (req.maxJobs() != null && ordered.size() > req.maxJobs()) {
            uncapped = ordered.size();
            ordered = List.copyOf(ordered.subList(0, req.maxJobs()));
        }
        List<List<String>> cut = cut(ordered, segmentSize);
        Map<String, Object> doc = PlanDocument.of(req, segmentSize, cut, uncapped);
        return new Shape(PlanDocument.digest(doc), cut, ordered, uncapped, doc);
    }

    static List<String> order(List<String> targets, Set<String> urgent) {
        if (urgent.isEmpty()) return targets;
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String d : targets) (urgent.contains(d) ? first : rest).add(d);
        first.addAll(rest);
        return first;
    }

    static List<List<String>> cut(List<String> ordered, int segmentSize) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i += segmentSize) {
            List<String> seg = new ArrayList<>(ordered.subList(i, Math.min(ordered.size(), i + segmentSize)));
            seg.sort(null);
            out.add(List.copyOf(seg));
        }
        return out;
    }
}
