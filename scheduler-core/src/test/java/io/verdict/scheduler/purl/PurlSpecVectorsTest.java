package io.verdict.scheduler.purl;

import io.verdict.scheduler.canonical.JsonReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the purl-spec project's own test vectors (MIT, vendored under {@code src/test/resources/purl-spec/}, see
 * its NOTICE.md) against {@link PackageUrl}: every {@code parse}, {@code roundtrip} and {@code build} case.
 * {@code validation} cases (advisory messages about qualifiers a type does not define) are not run: the
 * scheduler does not police qualifiers, it ignores them for matching.
 */
class PurlSpecVectorsTest {
    static final List<String> FILES = List.of("tests/spec/specification-test.json", "tests/types/deb-test.json",
            "tests/types/npm-test.json", "tests/types/pypi-test.json");

    /**
     * Cases answered differently on purpose, keyed by test type + input, with the reason. The npm file contradicts
     * itself on the first two (it also lower-cases {@code LoDash} and accepts an unencoded {@code @babel} scope),
     * and the deb file requires {@code +} to be encoded as {@code %2B} where the npm file keeps it bare.
     */
    static final Map<String, String> EXCEPTIONS = Map.of(
            "parse pkg:npm/@angular/animation@12.3.1",
            "accepted: SBOM tools write the scope unencoded and the issue requires @angular and %40angular to meet",
            "parse pkg:npm/React@17.0.1",
            "accepted and lower-cased, as the same file's LoDash roundtrip case does",
            "roundtrip pkg:npm/foobar@1.2.3-alpha.1+build.456",
            "canonical form encodes '+' as %2B (required by the deb vectors); parses to the same version");

    @TestFactory
    Stream<DynamicTest> specificationVectors() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : FILES) {
            for (Object o : (List<?>) ((Map<?, ?>) JsonReader.parse(read(file))).get("tests")) {
                Map<?, ?> t = (Map<?, ?>) o;
                String type = (String) t.get("test_type");
                if (type.equals("validation")) continue;
                Object input = t.get("input");
                String key = type + " " + (input instanceof String s ? s : "");
                if (EXCEPTIONS.containsKey(key)) continue;
                tests.add(DynamicTest.dynamicTest(file + ": " + t.get("description") + " [" + type + "] " + input,
                        () -> run(type, t)));
            }
        }
        assertThat(tests).hasSizeGreaterThan(60);
        return tests.stream();
    }

    @Test
    void exceptionsAreRealCasesOfTheVendoredFiles() throws IOException {
        List<String> keys = new ArrayList<>();
        for (String file : FILES) {
            for (Object o : (List<?>) ((Map<?, ?>) JsonReader.parse(read(file))).get("tests")) {
                Map<?, ?> t = (Map<?, ?>) o;
                if (t.get("input") instanceof String s) keys.add(t.get("test_type") + " " + s);
            }
        }
        assertThat(keys).containsAll(EXCEPTIONS.keySet());
        // and the deliberate answers are what the reasons say
        assertThat(PackageUrl.parse("pkg:npm/@angular/animation@12.3.1"))
                .isEqualTo(PackageUrl.parse("pkg:npm/%40angular/animation@12.3.1"));
        assertThat(PackageUrl.parse("pkg:npm/React@17.0.1").canonical()).isEqualTo("pkg:npm/react@17.0.1");
        assertThat(PackageUrl.parse("pkg:npm/foobar@1.2.3-alpha.1+build.456").version()).isEqualTo("1.2.3-alpha.1+build.456");
    }

    private static void run(String type, Map<?, ?> t) {
        boolean failure = Boolean.TRUE.equals(t.get("expected_failure"));
        switch (type) {
            case "parse" -> {
                String input = (String) t.get("input");
                if (failure) {
                    assertThatThrownBy(() -> PackageUrl.parse(input)).isInstanceOf(PurlSyntaxException.class);
                    return;
                }
                PackageUrl p = PackageUrl.parse(input);
                Map<?, ?> e = (Map<?, ?>) t.get("expected_output");
                assertThat(p.type()).isEqualTo(e.get("type"));
                assertThat(p.namespace()).isEqualTo(e.get("namespace"));
                assertThat(p.name()).isEqualTo(e.get("name"));
                assertThat(p.version()).isEqualTo(e.get("version"));
                assertThat(p.qualifiers()).isEqualTo(e.get("qualifiers") == null ? Map.of() : e.get("qualifiers"));
                assertThat(p.subpath()).isEqualTo(e.get("subpath"));
            }
            case "roundtrip" -> {
                String input = (String) t.get("input");
                if (failure) {
                    assertThatThrownBy(() -> PackageUrl.parse(input)).isInstanceOf(PurlSyntaxException.class);
                    return;
                }
                assertThat(PackageUrl.parse(input).canonical()).isEqualTo(t.get("expected_output"));
                // canonical output is a fixed point
                assertThat(PackageUrl.parse((String) t.get("expected_output")).canonical()).isEqualTo(t.get("expected_output"));
            }
            case "build" -> {
                Map<?, ?> in = (Map<?, ?>) t.get("input");
                Map<String, String> qualifiers = new LinkedHashMap<>();
                if (in.get("qualifiers") instanceof Map<?, ?> m) m.forEach((k, v) -> qualifiers.put((String) k, (String) v));
                if (failure) {
                    assertThatThrownBy(() -> PackageUrl.of((String) in.get("type"), (String) in.get("namespace"),
                            (String) in.get("name"), (String) in.get("version"), qualifiers, (String) in.get("subpath")))
                            .isInstanceOf(PurlSyntaxException.class);
                    return;
                }
                assertThat(PackageUrl.of((String) in.get("type"), (String) in.get("namespace"), (String) in.get("name"),
                        (String) in.get("version"), qualifiers, (String) in.get("subpath")).canonical())
                        .isEqualTo(t.get("expected_output"));
            }
            default -> throw new AssertionError("unknown test type " + type);
        }
    }

    static String read(String file) throws IOException {
        try (InputStream in = PurlSpecVectorsTest.class.getResourceAsStream("/purl-spec/" + file)) {
            if (in == null) throw new IOException("missing test resource purl-spec/" + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
