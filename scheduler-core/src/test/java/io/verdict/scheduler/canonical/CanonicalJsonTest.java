package io.verdict.scheduler.canonical;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalJsonTest {
    @Test
    void escapesQuotesBackslashesAndControlCharactersBetweenPlainRuns() {
        String s = "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fé😀/";
        String json = CanonicalJson.write(Map.of("k", s));
        assertThat(json).isEqualTo("{\"k\":\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fé😀/\"}");
        assertThat(JsonReader.parse(json)).isEqualTo(Map.of("k", s));
        // an escape first or last, nothing to escape, nothing at all
        assertThat(CanonicalJson.write(List.of("\"", "x\n", "plain", ""))).isEqualTo("[\"\\\"\",\"x\\n\",\"plain\",\"\"]");
    }

    @Test
    void sortsKeysKeepsEmptyArraysDropsNulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of());
        m.put("n", null);
        m.put("c", Map.of("z", true, "y", "x\"\n"));
        assertThat(CanonicalJson.write(m)).isEqualTo("{\"a\":[],\"b\":1,\"c\":{\"y\":\"x\\\"\\n\",\"z\":true}}");
    }

    @Test
    void insertionOrderDoesNotChangeTheDigest() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("x", 1.50);
        a.put("at", Instant.parse("2025-10-26T14:05:11Z"));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("at", Instant.parse("2025-10-26T14:05:11Z"));
        b.put("x", 1.5);
        assertThat(CanonicalJson.sha256(a)).isEqualTo(CanonicalJson.sha256(b)).startsWith("sha256:");
        assertThat(CanonicalJson.write(a)).isEqualTo("{\"at\":\"2025-10-26T14:05:11Z\",\"x\":1.5}");
    }
}
