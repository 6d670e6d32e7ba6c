package io.verdict.scheduler.purl;

/**
 * Debian policy §5.6.12 ordering, as dpkg's {@code verrevcmp} implements it: {@code [epoch:]upstream[-revision]},
 * epochs numerically, then upstream and revision alternately comparing non-digit runs (letters before non-letters,
 * {@code ~} before everything, even the end) and digit runs numerically.
 */
public final class DebianVersions implements VersionScheme {
    public static final DebianVersions INSTANCE = new DebianVersions();

    private DebianVersions() {}

    @Override
    public String name() {
        return "deb";
    }

    @Override
    public int compare(String a, String b) {
        String[] x = split(a);
        String[] y = split(b);
        int c = GenericVersions.compareNumbers(x[0], y[0]);
        if (c != 0) return Integer.signum(c);
        c = verrevcmp(x[1], y[1]);
        if (c != 0) return Integer.signum(c);
        return Integer.signum(verrevcmp(x[2], y[2]));
    }

    /** epoch, upstream, revision; a missing epoch is 0 and a missing revision is empty (equal to "0"). */
    private static String[] split(String v) {
        String epoch = "0";
        int colon = v.indexOf(':');
        if (colon > 0 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
            epoch = v.substring(0, colon);
            v = v.substring(colon + 1);
        }
        int dash = v.lastIndexOf('-');
        String upstream = dash >= 0 ? v.substring(0, dash) : v;
        String revision = dash >= 0 ? v.substring(dash + 1) : "";
        return new String[] {epoch, upstream, revision};
    }

    private static int order(char c) {
        if (Character.isDigit(c)) return 0;
        if (Character.isLetter(c)) return c;
        if (c == '~') return -1;
        if (c != 0) return c + 256;
        return 0;
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i))) || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = order(at(a, i));
                int bc = order(at(b, j));
                if (ac != bc) return ac - bc;
                i++;
                j++;
            }
            while (at(a, i) == '0') i++;
            while (at(b, j) == '0') j++;
            while (Character.isDigit(at(a, i)) && Character.isDigit(at(b, j))) {
                if (firstDiff == 0) firstDiff = at(a, i) - at(b, j);
                i++;
                j++;
            }
            if (Character.isDigit(at(a, i))) return 1;
            if (Character.isDigit(at(b, j))) return -1;
            if (firstDiff != 0) return firstDiff;
        }
        return 0;
    }
}
