package io.verdict.scheduler.impact;

import io.verdict.scheduler.errors.ValidationException.FieldError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shell-style globs ({@code *} any run, {@code ?} one character) for repositories and tags.
 *
 * <p>Matching simulates the glob's automaton with bit sets (one bit per pattern position, all live states advanced
 * together per input character), so a match costs O(|value| × ⌈|pattern| / 64⌉) and never backtracks: a pattern
 * like {@code ************************Z} is as cheap as {@code *Z}. Regular expressions were used before and
 * backtracked exponentially on such patterns, hanging request threads.
 *
 * <p>Patterns are bounded ({@link #MAX_PATTERN_LENGTH} characters, {@link #MAX_PATTERNS_PER_SELECTOR} glob
 * patterns per selector; {@link #problems} names the field beyond them) and compiled patterns live in a bounded
 * cache ({@link #CACHE_CAPACITY} entries), so a caller sending endless distinct patterns cannot grow the heap.
 */
public final class Globs {
    /** Longest glob accepted, in characters. */
    public static final int MAX_PATTERN_LENGTH = 128;
    /** Most glob patterns (values containing {@code *} or {@code ?}) one selector may carry, over all its fields. */
    public static final int MAX_PATTERNS_PER_SELECTOR = 32;
    /** Most compiled patterns kept; beyond it an arbitrary entry is evicted (compiling again is cheap). */
    public static final int CACHE_CAPACITY = 4096;

    private static final Map<String, Compiled> CACHE = new ConcurrentHashMap<>();

    private Globs() {}

    public static boolean isGlob(String value) {
        return value != null && (value.indexOf('*') >= 0 || value.indexOf('?') >= 0);
    }

    public static boolean matches(String glob, String value) {
        if (value == null) return false;
        if (!isGlob(glob)) return glob.equals(value);
        return compiled(glob).matches(value);
    }

    /** Compiled patterns currently cached (for tests and diagnostics). */
    public static int cachedPatterns() {
        return CACHE.size();
    }

    /**
     * Field errors for globs beyond the bounds: each too long a pattern as {@code field[i]}, and too many glob
     * patterns in one selector as the field holding the first one past the count. {@code fields} maps a field path
     * (for example {@code selector.repositories}) to its values, in the selector's field order.
     */
    public static List<FieldError> problems(Map<String, List<String>> fields) {
        List<FieldError> errors = new ArrayList<>();
        int globs = 0;
        for (var e : fields.entrySet()) {
            List<String> values = e.getValue();
            if (values == null) continue;
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                if (!isGlob(v)) continue;
                if (v.length() > MAX_PATTERN_LENGTH) {
                    errors.add(new FieldError(e.getKey() + "[" + i + "]", "glob is " + v.length()
                            + " characters; at most " + MAX_PATTERN_LENGTH));
                }
                if (++globs == MAX_PATTERNS_PER_SELECTOR + 1) {
                    errors.add(new FieldError(e.getKey(), "at most " + MAX_PATTERNS_PER_SELECTOR
                            + " glob patterns (with * or ?) per selector"));
                }
            }
        }
        return errors;
    }

    /** {@link #problems} for a selector's glob fields, under the given field prefix ({@code selector}). */
    public static List<FieldError> problems(String prefix, Selector s) {
        Map<String, List<String>> fields = new java.util.LinkedHashMap<>();
        fields.put(prefix + ".repositories", s.repositories());
        fields.put(prefix + ".includeTags", s.includeTags());
        return problems(fields);
    }

    private static Compiled compiled(String glob) {
        Compiled c = CACHE.get(glob);
        if (c != null) return c;
        c = Compiled.of(glob);
        if (CACHE.size() >= CACHE_CAPACITY) {
            Iterator<String> it = CACHE.keySet().iterator();
            if (it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        CACHE.put(glob, c);
        return c;
    }

    /**
     * The glob's automaton: position {@code i} means "the first {@code i} pattern symbols matched"; runs of
     * {@code *} are collapsed to one (they match the same). A {@code *} position loops on any character and may
     * be skipped; other positions advance on their character ({@code ?}: any).
     */
    record Compiled(int length, long[] stars, long[] anyChar, Map<Integer, long[]> byChar) {
        static Compiled of(String glob) {
            int[] symbols = glob.codePoints().toArray();
            int[] collapsed = new int[symbols.length];
            int m = 0;
            for (int cp : symbols) {
                if (cp == '*' && m > 0 && collapsed[m - 1] == '*') continue;
                collapsed[m++] = cp;
            }
            int words = (m + 1 + 63) / 64;
            long[] stars = new long[words];
            long[] any = new long[words];
            Map<Integer, long[]> byChar = new HashMap<>();
            for (int i = 0; i < m; i++) {
                int cp = collapsed[i];
                if (cp == '*') set(stars, i);
                else if (cp == '?') set(any, i);
                else set(byChar.computeIfAbsent(cp, k -> new long[words]), i);
            }
            // '?' positions advance on every character, so fold them into each literal's mask once.
            for (long[] mask : byChar.values()) for (int w = 0; w < words; w++) mask[w] |= any[w];
            return new Compiled(m, stars, any, Map.copyOf(byChar));
        }

        boolean matches(String value) {
            int words = stars.length;
            long[] state = new long[words];
            long[] next = new long[words];
            set(state, 0);
            closeOverStars(state);
            for (int k = 0; k < value.length(); ) {
                int cp = value.codePointAt(k);
                k += Character.charCount(cp);
                long[] advance = byChar.getOrDefault(cp, anyChar);
                boolean alive = false;
                long carry = 0;
                for (int w = 0; w < words; w++) {
                    long moved = state[w] & advance[w];
                    long shifted = (moved << 1) | carry;
                    carry = moved >>> 63;
                    next[w] = shifted | (state[w] & stars[w]);
                }
                closeOverStars(next);
                for (int w = 0; w < words; w++) {
                    state[w] = next[w];
                    alive |= next[w] != 0;
                }
                if (!alive) return false;
            }
            return get(state, length);
        }

        /** A live {@code *} position also makes the position after it live (the star matched nothing more). */
        private void closeOverStars(long[] state) {
            long carry = 0;
            for (int w = 0; w < state.length; w++) {
                long starred = state[w] & stars[w];
                long shifted = (starred << 1) | carry;
                carry = starred >>> 63;
                state[w] |= shifted;
            }
        }

        private static void set(long[] bits, int i) {
            bits[i >>> 6] |= 1L << (i & 63);
        }

        private static boolean get(long[] bits, int i) {
            return (bits[i >>> 6] & (1L << (i & 63))) != 0;
        }
    }
}
