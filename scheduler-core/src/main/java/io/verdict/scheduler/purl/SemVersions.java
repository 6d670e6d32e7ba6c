package io.verdict.scheduler.purl;

/**
 * SemVer 2.0 precedence (semver.org §11): numeric core compared numerically, a pre-release sorts before its
 * release, pre-release identifiers compared one by one (numeric ones numerically and before alphanumeric ones),
 * build metadata ignored. Tolerates what ecosystems write around it: Go's {@code v} prefix (pseudo-versions such as
 * {@code v0.0.0-20191109021931-daa7c04131f5} are pre-releases and order by their timestamp) and NuGet's fourth
 * number. Anything else falls back to {@link GenericVersions}.
 */
public final class SemVersions implements VersionScheme {
    public static final SemVersions INSTANCE = new SemVersions();

    private SemVersions() {}

    @Override
    public String name() {
        return "semver";
    }

    private record Parsed(String[] core, String[] pre) {}

    static Parsed parse(String v) {
        String s = v.trim();
        if (!s.isEmpty() && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) s = s.substring(1);
        int plus = s.indexOf('+');
        if (plus >= 0) s = s.substring(0, plus);
        int dash = s.indexOf('-');
        String core = dash >= 0 ? s.substring(0, dash) : s;
        String pre = dash >= 0 ? s.substring(dash + 1) : null;
        if (core.isEmpty()) return null;
        String[] parts = core.split("\\.", -1);
        if (parts.length > 4) return null;
        for (String p : parts) {
            if (p.isEmpty() || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return null;
        }
        String[] ids = null;
        if (pre != null) {
            if (pre.isEmpty()) return null;
            ids = pre.split("\\.", -1);
            for (String id : ids) if (id.isEmpty()) return null;
        }
        return new Parsed(parts, ids);
    }

    @Override
    public int compare(String a, String b) {
        Parsed x = parse(a);
        Parsed y = parse(b);
        if (x == null || y == null) return GenericVersions.INSTANCE.compare(a, b);
        int n = Math.max(x.core.length, y.core.length);
        for (int i = 0; i < n; i++) {
            String p = i < x.core.length ? x.core[i] : "0";
            String q = i < y.core.length ? y.core[i] : "0";
            int c = GenericVersions.compareNumbers(p, q);
            if (c != 0) return Integer.signum(c);
        }
        if (x.pre == null || y.pre == null) return x.pre == null ? (y.pre == null ? 0 : 1) : -1;
        int m = Math.min(x.pre.length, y.pre.length);
        for (int i = 0; i < m; i++) {
            String p = x.pre[i];
            String q = y.pre[i];
            boolean np = p.chars().allMatch(Character::isDigit);
            boolean nq = q.chars().allMatch(Character::isDigit);
            int c;
            if (np && nq) c = GenericVersions.compareNumbers(p, q);
            else if (np != nq) c = np ? -1 : 1;
            else c = p.compareTo(q);
            if (c != 0) return Integer.signum(c);
        }
        return Integer.compare(x.pre.length, y.pre.length);
    }
}
