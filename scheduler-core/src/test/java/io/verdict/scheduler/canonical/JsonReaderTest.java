package io.verdict.scheduler.canonical;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonReaderTest {
    @Test
    void readsBackWhatCanonicalJsonWrites() {
        Map<String, Object> value = Map.of("s", "quote \" backslash \\ tab\t newline\n ctl\u0001 é 😀",
                "n", 42L, "neg", -7L, "d", new BigDecimal("1.5"), "b", true, "list", List.of(1L, "x", List.of()),
                "obj", Map.of("k", false));
        assertThat(JsonReader.parse(CanonicalJson.write(value))).isEqualTo(value);
    }

    @Test
    void acceptsEscapesAndWhitespaceOtherWritersUse() {
        assertThat(JsonReader.parse(" { \"a\" : [ \"\\u00e9\\ud83d\\ude00\\/\" , null ] } "))
                .isEqualTo(Map.of("a", java.util.Arrays.asList("é😀/", null)));
    }

    @Test
    void rejectsBrokenInputWithItsPosition() {
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1} x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":\"open")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":\"\\q\"}")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> JsonReader.parse("[1,]")).hasMessageContaining("offset 3");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":-}")).hasMessageContaining("bad number");
    }

}
