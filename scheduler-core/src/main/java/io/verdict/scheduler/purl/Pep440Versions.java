package io.verdict.scheduler.purl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEP 440 ordering (as {@code packaging.version} computes its sort key): epoch, release with trailing zeros
 * ignored, then pre-release ({@code a < b < rc}, with the spellings alpha/beta/c/pre/preview normalised), post
 * release, dev release, local label. A dev release of a final version sorts before its pre-releases. A string that
 * is not PEP 440 falls back to {@link GenericVersions}.
 */
public final class Pep440Versions implements VersionScheme {
    public static final Pep440Versions INSTANCE = new Pep440Versions();
    private static final Pattern PEP440 = Pattern.compile(
            "v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)"
                    + "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?"
                    + "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?"
                    + "(?:[-_.]?(dev)[-_.]?(\\d+)?)?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?");

    private Pep440Versions() {}

    @Override
    public String name() {
        return "pypi";
    }

    /** A parsed version's sort key: pre/post/dev as (rank, number) with ranks standing in for ±infinity. */
    private record Key(String epoch, List<String> release, int preRank, String preNum, int postRank, String postNum,
                       int devRank, String devNum, String local) {}

    /**
     * Parsed keys of the versions seen, so range checks over an index (the same few versions again and again) do
     * not run the regular expression per comparison; bounded, and dropped wholesale when full.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.Optional<Key>> KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Key key(String v) {
        java.util.Optional<Key> cached = KEYS.get(v);
        if (cached != null) return cached.orElse(null);
        if (KEYS.size() > 100_000) KEYS.clear();
        Key k = parseKey(v);
        KEYS.put(v, java.util.Optional.ofNullable(k));
        return k;
    }

    private static Key parseKey(String v) {
        Matcher m = PEP440.matcher(v.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        List<String> release = new ArrayList<>(List.of(m.group(2).split("\\.")));
        while (release.size() > 1 && GenericVersions.compareNumbers(release.get(release.size() - 1), "0") == 0) {
            release.remove(release.size() - 1);
        }
        String preLetter = m.group(3);
        boolean hasPost = m.group(5) != null || m.group(6) != null;
        boolean hasDev = m.group(8) != null;
        int preRank;
        String preNum = "0";
        if (preLetter == null) {
            preRank = !hasPost && hasDev ? -1 : 9; // dev-only sorts before any pre-release; a final after all
        } else {
            preRank = switch (preLetter) {
                case "a", "alpha" -> 1;
                case "b", "beta" -> 2;
                default -> 3; // c, rc, pre, preview
            };
            preNum = m.group(4) == null ? "0" : m.group(4);
        }
        String postNum = m.group(5) != null ? m.group(5) : (m.group(7) != null ? m.group(7) : "0");
        return new Key(m.group(1) == null ? "0" : m.group(1), release, preRank, preNum, hasPost ? 1 : 0, postNum,
                hasDev ? 0 : 1, m.group(9) == null ? "0" : m.group(9), m.group(10));
    }

    @Override
    public int compare(String a, String b) {
        Key x = key(a);
        Key y = key(b);
        if (x == null || y == null) return GenericVersions.INSTANCE.compare(a, b);
        int c = GenericVersions.compareNumbers(x.epoch, y.epoch);
        if (c != 0) return Integer.signum(c);
        int n = Math.max(x.release.size(), y.release.size());
        for (int i = 0; i < n; i++) {
            c = GenericVersions.compareNumbers(i < x.release.size() ? x.release.get(i) : "0",
                    i < y.release.size() ? y.release.get(i) : "0");
            if (c != 0) return Integer.signum(c);
        }
        c = Integer.compare(x.preRank, y.preRank);
        if (c == 0) c = GenericVersions.compareNumbers(x.preNum, y.preNum);
        if (c == 0) c = Integer.compare(x.postRank, y.postRank);
        if (c == 0) c = GenericVersions.compareNumbers(x.postNum, y.postNum);
        if (c == 0) c = Integer.compare(x.devRank, y.devRank);
        if (c == 0) c = GenericVersions.compareNumbers(x.devNum, y.devNum);
        if (c == 0) c = compareLocal(x.local, y.local);
        return Integer.signum(c);
    }

    /** No local label sorts first; segments compare numerically when both are numbers, numbers after text. */
    private static int compareLocal(String a, String b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        String[] x = a.split("[-_.]");
        String[] y = b.split("[-_.]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = x[i].chars().allMatch(Character::isDigit);
            boolean ny = y[i].chars().allMatch(Character::isDigit);
            int c = nx && ny ? GenericVersions.compareNumbers(x[i], y[i]) : nx != ny ? (nx ? 1 : -1) : x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
