package io.verdict.scheduler.bench.race;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one lane measured, as the single line a child JVM prints for the driver to parse.
 *
 * @param lane      the lane's id
 * @param count     targets (ours), tasks/jobs (peers) or messages/rows (floors) processed
 * @param setupSec  work before the clock starts and outside the headline (indexing the images for ours; 0 otherwise)
 * @param firstSec  the first phase inside the headline: plan + enqueue (ours), bulk schedule/enqueue (peers and floors)
 * @param wallSec   the headline: from the start of planning (scheduling) until the last target is done
 * @param outcome   the run's final state, or what was checked at the end
 */
record LaneResult(String lane, long count, double setupSec, double firstSec, double wallSec, String outcome) {
    static final String MARK = "RACE-RESULT ";

    double perSecond() {
        return wallSec <= 0 ? 0 : count / wallSec;
    }

    String line() {
        return MARK + String.format(Locale.ROOT, "lane=%s count=%d setup=%.3f first=%.3f wall=%.3f outcome=%s", lane, count,
                setupSec, firstSec, wallSec, outcome.replace(' ', '_'));
    }

    static LaneResult parse(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String part : line.substring(line.indexOf(MARK) + MARK.length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            f.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new LaneResult(f.get("lane"), Long.parseLong(f.get("count")), Double.parseDouble(f.get("setup")),
                Double.parseDouble(f.get("first")), Double.parseDouble(f.get("wall")), f.get("outcome").replace('_', ' '));
    }
}
