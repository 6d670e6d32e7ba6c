package io.verdict.scheduler.purl;

import java.util.ArrayList;
import java.util.List;

/**
 * OSV's affected-range semantics ({@code affected[].ranges[].events}, schema 1.6) as {@code vers:} ranges: events
 * sorted in the ecosystem's version order, each {@code introduced} opening an interval that the next
 * {@code fixed} closes (exclusive) or {@code last_affected} closes (inclusive); {@code introduced: "0"} means
 * from the first version; an interval never closed stays open. One range per interval, so intervals touching at a
 * version (fixed 1.5, introduced 1.5) stay correct without merging.
 */
public final class AffectedRanges {
    public enum Kind { INTRODUCED, FIXED, LAST_AFFECTED, LIMIT }

    public record Event(Kind kind, String version) {}

    private AffectedRanges() {}

    /** The ranges the events describe; an empty list when nothing is affected, {@code vers:<scheme>/*} for all. */
    public static List<VersionRange> fromEvents(String scheme, List<Event> events) {
        VersionScheme order = VersionScheme.forType(scheme);
        List<Event> sorted = new ArrayList<>();
        for (Event e : events) if (e.kind() != Kind.LIMIT) sorted.add(e); // limit bounds git walks only
        sorted.sort((a, b) -> {
            boolean za = a.kind() == Kind.INTRODUCED && a.version().equals("0");
            boolean zb = b.kind() == Kind.INTRODUCED && b.version().equals("0");
            if (za || zb) return za == zb ? 0 : za ? -1 : 1;
            return order.compare(a.version(), b.version());
        });
        List<VersionRange> out = new ArrayList<>();
        String open = null;
        for (Event e : sorted) {
            switch (e.kind()) {
                case INTRODUCED -> {
                    if (open == null) open = e.version();
                }
                case FIXED, LAST_AFFECTED -> {
                    if (open == null) continue;
                    VersionRange.Comparator upper = e.kind() == Kind.FIXED ? VersionRange.Comparator.LT : VersionRange.Comparator.LE;
                    List<VersionRange.Constraint> cs = new ArrayList<>();
                    if (!open.equals("0")) cs.add(new VersionRange.Constraint(VersionRange.Comparator.GE, open));
                    if (open.equals("0") || order.compare(open, e.version()) != 0) {
                        cs.add(new VersionRange.Constraint(upper, e.version()));
                    } else if (upper == VersionRange.Comparator.LT) {
                        cs.clear(); // introduced and fixed at the same version: nothing affected
                    }
                    if (!cs.isEmpty()) out.add(VersionRange.of(scheme, cs));
                    open = null;
                }
                default -> { }
            }
        }
        if (open != null) {
            out.add(open.equals("0")
                    ? VersionRange.of(scheme, List.of(new VersionRange.Constraint(VersionRange.Comparator.ANY, "*")))
                    : VersionRange.of(scheme, List.of(new VersionRange.Constraint(VersionRange.Comparator.GE, open))));
        }
        return out;
    }
}
