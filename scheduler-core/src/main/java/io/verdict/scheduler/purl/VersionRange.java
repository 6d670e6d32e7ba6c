package io.verdict.scheduler.purl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A {@code vers:} version range specifier (purl-spec {@code VERSION-RANGE-SPEC}), e.g.
 * {@code vers:deb/>=1.1.1|<3.0.11-1~deb12u2}: a versioning scheme and constraints ({@code =}, {@code !=},
 * {@code <}, {@code <=}, {@code >}, {@code >=}, or {@code *} alone), kept sorted by version in the scheme's
 * order. {@link #contains} is the specification's containment algorithm.
 */
public record VersionRange(String scheme, List<Constraint> constraints) {
    public static final int MAX_CONSTRAINTS = 256;

    public enum Comparator {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), ANY("*");

        final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }

        boolean lower() {
            return this == LT || this == LE;
        }

        boolean upper() {
            return this == GT || this == GE;
        }
    }

    public record Constraint(Comparator comparator, String version) {}

    public VersionRange {
        constraints = List.copyOf(constraints);
    }

    public VersionScheme versionScheme() {
        return VersionScheme.forType(scheme);
    }

    public static boolean looksLikeRange(String s) {
        return s != null && s.regionMatches(true, 0, "vers:", 0, 5);
    }

    public static VersionRange parse(String vers) {
        if (vers == null || !looksLikeRange(vers)) throw new PurlSyntaxException("vers", "must start with vers:");
        String rest = vers.substring(5).replace(" ", "").replace("\t", "");
        int slash = rest.indexOf('/');
        if (slash <= 0) throw new PurlSyntaxException("vers", "missing versioning scheme (vers:<scheme>/<constraints>)");
        String scheme = rest.substring(0, slash).toLowerCase(Locale.ROOT);
        if (!scheme.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+')) {
            throw new PurlSyntaxException("vers", "versioning scheme '" + scheme + "' has characters other than a-z 0-9 . + -");
        }
        String body = rest.substring(slash + 1);
        while (body.startsWith("|")) body = body.substring(1);
        while (body.endsWith("|")) body = body.substring(0, body.length() - 1);
        if (body.isEmpty()) throw new PurlSyntaxException("vers", "no constraints after vers:" + scheme + "/");
        if (body.equals("*")) return new VersionRange(scheme, List.of(new Constraint(Comparator.ANY, "*")));
        String[] parts = body.split("\\|");
        if (parts.length > MAX_CONSTRAINTS) throw new PurlSyntaxException("vers", "more than " + MAX_CONSTRAINTS + " constraints");
        List<Constraint> out = new ArrayList<>(parts.length);
        for (String part : parts) {
            if (part.isEmpty()) throw new PurlSyntaxException("vers", "empty constraint between '|'");
            Comparator cmp;
            String v;
            if (part.startsWith(">=")) { cmp = Comparator.GE; v = part.substring(2); }
            else if (part.startsWith("<=")) { cmp = Comparator.LE; v = part.substring(2); }
            else if (part.startsWith("!=")) { cmp = Comparator.NE; v = part.substring(2); }
            else if (part.startsWith(">")) { cmp = Comparator.GT; v = part.substring(1); }
            else if (part.startsWith("<")) { cmp = Comparator.LT; v = part.substring(1); }
            else if (part.startsWith("=")) { cmp = Comparator.EQ; v = part.substring(1); }
            else if (part.equals("*")) throw new PurlSyntaxException("vers", "'*' must be the only constraint");
            else { cmp = Comparator.EQ; v = part; }
            v = PercentCodec.decode(v, "vers");
            if (v.isEmpty()) throw new PurlSyntaxException("vers", "constraint '" + part + "' has no version");
            if (v.startsWith("<") || v.startsWith(">") || v.startsWith("=") || v.startsWith("!")) {
                throw new PurlSyntaxException("vers", "constraint '" + part + "' has an unknown comparator");
            }
            out.add(new Constraint(cmp, v));
        }
        VersionScheme order = VersionScheme.forType(scheme);
        out.sort((a, b) -> order.compare(a.version(), b.version()));
        for (int i = 1; i < out.size(); i++) {
            if (order.compare(out.get(i - 1).version(), out.get(i).version()) == 0) {
                throw new PurlSyntaxException("vers", "version '" + out.get(i).version() + "' appears in more than one constraint");
            }
        }
        return new VersionRange(scheme, out);
    }

    /** The canonical string: lower-case scheme, constraints sorted by version, versions percent-encoded. */
    public String canonical() {
        StringBuilder b = new StringBuilder("vers:").append(scheme).append('/');
        for (int i = 0; i < constraints.size(); i++) {
            Constraint c = constraints.get(i);
            if (i > 0) b.append('|');
            if (c.comparator() == Comparator.ANY) {
                b.append('*');
                continue;
            }
            if (c.comparator() != Comparator.EQ) b.append(c.comparator().symbol);
            b.append(encode(c.version()));
        }
        return b.toString();
    }

    /** Constraint versions keep {@code ~ + : .} readable; only what would break the syntax is encoded. */
    private static String encode(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '|' || c == '%' || c == '<' || c == '>' || c == '=' || c == '!' || c == '*' || c <= ' ' || c == '#' || c == '?' || c == '&') {
                b.append(PercentCodec.encode(String.valueOf(c), false));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The specification's "checking if a version is contained within a range". */
    public boolean contains(String version) {
        VersionScheme order = versionScheme();
        if (constraints.size() == 1) return satisfies(order, constraints.get(0), version);
        for (Constraint c : constraints) {
            if ((c.comparator() == Comparator.EQ || c.comparator() == Comparator.LE || c.comparator() == Comparator.GE)
                    && order.compare(version, c.version()) == 0) {
                return true;
            }
        }
        for (Constraint c : constraints) {
            if (c.comparator() == Comparator.NE && order.compare(version, c.version()) == 0) return false;
        }
        List<Constraint> ranges = new ArrayList<>(constraints.size());
        for (Constraint c : constraints) {
            if (c.comparator() != Comparator.EQ && c.comparator() != Comparator.NE) ranges.add(c);
        }
        if (ranges.isEmpty()) return false;
        Constraint first = ranges.get(0);
        if (first.comparator().lower() && satisfies(order, first, version)) return true;
        Constraint last = ranges.get(ranges.size() - 1);
        if (last.comparator().upper() && satisfies(order, last, version)) return true;
        for (int i = 0; i + 1 < ranges.size(); i++) {
            Constraint cur = ranges.get(i);
            Constraint next = ranges.get(i + 1);
            if (cur.comparator().upper() && next.comparator().lower()
                    && satisfies(order, cur, version) && satisfies(order, next, version)) {
                return true;
            }
        }
        return false;
    }

    private static boolean satisfies(VersionScheme order, Constraint c, String version) {
        if (c.comparator() == Comparator.ANY) return true;
        int cmp = order.compare(version, c.version());
        return switch (c.comparator()) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            case ANY -> true;
        };
    }

    public static VersionRange of(String scheme, List<Constraint> constraints) {
        VersionScheme order = VersionScheme.forType(scheme);
        List<Constraint> sorted = new ArrayList<>(constraints);
        sorted.sort((a, b) -> order.compare(a.version(), b.version()));
        return new VersionRange(scheme.toLowerCase(Locale.ROOT), Collections.unmodifiableList(sorted));
    }

    @Override
    public String toString() {
        return canonical();
    }
}
