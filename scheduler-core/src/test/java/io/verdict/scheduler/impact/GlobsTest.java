package io.verdict.scheduler.impact;

import io.verdict.scheduler.errors.ValidationException.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class GlobsTest {

    @Test
    void agreesWithAReferenceRegexOnRandomPatternsAndValues() {
        SplittableRandom rnd = new SplittableRandom(42);
        String alphabet = "ab*?.";
        for (int n = 0; n < 20_000; n++) {
            String glob = random(rnd, alphabet, rnd.nextInt(0, 9));
            String value = random(rnd, "ab.", rnd.nextInt(0, 10));
            assertThat(Globs.matches(glob, value)).as("%s ~ %s", glob, value).isEqualTo(reference(glob, value));
        }
    }

    @Test
    void literalsWildcardsAndNonAsciiBehaveLikeAShell() {
        assertThat(Globs.matches("payments/*", "payments/api")).isTrue();
        assertThat(Globs.matches("payments/*", "billing/api")).isFalse();
        assertThat(Globs.matches("v1.?", "v1.2")).isTrue();
        assertThat(Globs.matches("v1.?", "v1.23")).isFalse();
        assertThat(Globs.matches("*", "")).isTrue();
        assertThat(Globs.matches("?", "")).isFalse();
        assertThat(Globs.matches("caf?", "café")).isTrue();
        assertThat(Globs.matches("😀?", "😀😀")).isTrue();
        assertThat(Globs.matches("a.b", "axb")).as("a dot is a literal").isFalse();
        assertThat(Globs.matches("*", null)).isFalse();
        String longGlob = "x".repeat(100) + "*" + "y".repeat(100) + "?";
        assertThat(Globs.matches(longGlob, "x".repeat(100) + "zz" + "y".repeat(100) + "q")).isTrue();
        assertThat(Globs.matches(longGlob, "x".repeat(100) + "zz" + "y".repeat(99) + "q")).isFalse();
    }

    /** These hung the server when globs were regular expressions (catastrophic backtracking). */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void pathologicalPatternsAnswer() {
        String value = "a".repeat(4_000);
        assertThat(Globs.matches("*".repeat(24) + "Z", value)).isFalse();
        assertThat(Globs.matches("*a".repeat(120) + "Z", value)).isFalse();
        assertThat(Globs.matches("*?".repeat(120) + "Z", value)).isFalse();
        assertThat(Globs.matches("a*".repeat(120) + "b", value)).isFalse();
        assertThat(Globs.matches("*a".repeat(120), value)).isTrue();
    }

    @Test
    void compiledPatternCacheIsBounded() {
        for (int i = 0; i < 50_000; i++) Globs.matches("repo-" + i + "-*", "repo-" + i + "-x");
        assertThat(Globs.cachedPatterns()).isLessThanOrEqualTo(Globs.CACHE_CAPACITY);
        assertThat(Globs.matches("repo-1-*", "repo-1-y")).as("evicted patterns still match").isTrue();
    }

    @Test
    void patternsBeyondTheBoundsNameTheirField() {
        List<FieldError> tooLong = Globs.problems(Map.of("selector.repositories",
                List.of("ok/*", "*".repeat(Globs.MAX_PATTERN_LENGTH + 1))));
        assertThat(tooLong).extracting(FieldError::field).containsExactly("selector.repositories[1]");

        List<String> many = java.util.stream.IntStream.range(0, Globs.MAX_PATTERNS_PER_SELECTOR + 1)
                .mapToObj(i -> "tag-" + i + "*").toList();
        Selector s = new Selector(Selector.Scope.ALL_IMAGES, "acme", List.of(), List.of("a/*"), List.of(), many,
                List.of(), false);
        assertThat(Globs.problems("selector", s)).extracting(FieldError::field)
                .containsExactly("selector.includeTags");

        List<String> literals = java.util.stream.IntStream.range(0, 500).mapToObj(i -> "repo-" + i).toList();
        assertThat(Globs.problems(Map.of("selection.repositories", literals)))
                .as("literal names are not glob patterns").isEmpty();
    }

    private static String random(SplittableRandom rnd, String alphabet, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        return b.toString();
    }

    private static boolean reference(String glob, String value) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(value).matches();
    }
}
