package io.verdict.scheduler.purl;

/**
 * The fallback order: runs of digits compare as numbers, runs of letters as text, a number sorts after text at
 * the same position, and a version that is a prefix of another sorts first. Separators only separate.
 */
public final class GenericVersions implements VersionScheme {
    public static final GenericVersions INSTANCE = new GenericVersions();

    private GenericVersions() {}

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (true) {
            while (i < a.length() && !Character.isLetterOrDigit(a.charAt(i))) i++;
            while (j < b.length() && !Character.isLetterOrDigit(b.charAt(j))) j++;
            if (i >= a.length() || j >= b.length()) return Boolean.compare(i < a.length(), j < b.length());
            boolean da = Character.isDigit(a.charAt(i));
            boolean db = Character.isDigit(b.charAt(j));
            int ei = run(a, i, da);
            int ej = run(b, j, db);
            int c;
            if (da && db) {
                c = compareNumbers(a.substring(i, ei), b.substring(j, ej));
            } else if (da != db) {
                c = da ? 1 : -1;
            } else {
                c = a.substring(i, ei).compareTo(b.substring(j, ej));
            }
            if (c != 0) return c;
            i = ei;
            j = ej;
        }
    }

    private static int run(String s, int from, boolean digits) {
        int k = from;
        while (k < s.length() && (digits ? Character.isDigit(s.charAt(k)) : Character.isLetter(s.charAt(k)))) k++;
        return k;
    }

    /** Compares decimal digit strings of any length numerically. */
    static int compareNumbers(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() - 1 && x.charAt(i) == '0') i++;
        while (j < y.length() - 1 && y.charAt(j) == '0') j++;
        int lx = x.length() - i;
        int ly = y.length() - j;
        if (lx != ly) return Integer.compare(lx, ly);
        return x.substring(i).compareTo(y.substring(j));
    }
}
