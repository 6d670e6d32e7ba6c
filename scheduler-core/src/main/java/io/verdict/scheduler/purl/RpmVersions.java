package io.verdict.scheduler.purl;

/**
 * RPM ordering: {@code [epoch:]version[-release]}, each part by {@code rpmvercmp} (alphanumeric segments, digits
 * newer than letters, {@code ~} older than anything, {@code ^} newer than the end but older than more segments).
 * The release is compared only when both sides have one, as {@code rpm -q --whatprovides} does.
 */
public final class RpmVersions implements VersionScheme {
    public static final RpmVersions INSTANCE = new RpmVersions();

    private RpmVersions() {}

    @Override
    public String name() {
        return "rpm";
    }

    @Override
    public int compare(String a, String b) {
        String[] x = split(a);
        String[] y = split(b);
        int c = GenericVersions.compareNumbers(x[0], y[0]);
        if (c != 0) return Integer.signum(c);
        c = rpmvercmp(x[1], y[1]);
        if (c != 0 || x[2] == null || y[2] == null) return c;
        return rpmvercmp(x[2], y[2]);
    }

    private static String[] split(String v) {
        String epoch = "0";
        int colon = v.indexOf(':');
        if (colon > 0 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
            epoch = v.substring(0, colon);
            v = v.substring(colon + 1);
        }
        int dash = v.lastIndexOf('-');
        return new String[] {epoch, dash >= 0 ? v.substring(0, dash) : v, dash >= 0 ? v.substring(dash + 1) : null};
    }

    private static boolean alnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    static int rpmvercmp(String a, String b) {
        if (a.equals(b)) return 0;
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !alnum(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^') i++;
            while (j < b.length() && !alnum(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^') j++;
            char ca = at(a, i);
            char cb = at(b, j);
            if (ca == '~' || cb == '~') {
                if (ca != '~') return 1;
                if (cb != '~') return -1;
                i++;
                j++;
                continue;
            }
            if (ca == '^' || cb == '^') {
                if (ca == 0) return -1;
                if (cb == 0) return 1;
                if (ca != '^') return 1;
                if (cb != '^') return -1;
                i++;
                j++;
                continue;
            }
            if (ca == 0 || cb == 0) break;
            int si = i;
            int sj = j;
            boolean numeric = Character.isDigit(ca);
            if (numeric) {
                while (Character.isDigit(at(a, i))) i++;
                while (Character.isDigit(at(b, j))) j++;
            } else {
                while (Character.isLetter(at(a, i)) && at(a, i) < 128) i++;
                while (Character.isLetter(at(b, j)) && at(b, j) < 128) j++;
            }
            if (sj == j) return numeric ? 1 : -1;
            int c = numeric ? GenericVersions.compareNumbers(a.substring(si, i), b.substring(sj, j))
                    : a.substring(si, i).compareTo(b.substring(sj, j));
            if (c != 0) return c < 0 ? -1 : 1;
        }
        if (i >= a.length() && j >= b.length()) return 0;
        return i >= a.length() ? -1 : 1;
    }
}
