package io.verdict.scheduler.impact;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Shell-style globs ({@code *} any run, {@code ?} one character) for repositories and tags. */
public final class Globs {
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private Globs() {}

    public static boolean matches(String glob, String value) {
        if (value == null) return false;
        if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) return glob.equals(value);
        return CACHE.computeIfAbsent(glob, Globs::compile).matcher(value).matches();
    }

    private static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
