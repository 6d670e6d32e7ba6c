package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user tries with real purls over HTTP: other spellings of indexed purls, versionless purls, version
 * ranges, a typo in a purl, and a real OSV advisory (GHSA-jfh8-c2jp-5v3q, Log4Shell) that must plan exactly the
 * images with an affected log4j-core.
 */
class PurlIntakeTest {
    private static final String API = "/api/v1/scheduler";
    private final TestServer t = new TestServer();
    private final String token = t.token("acme");

    @AfterEach
    void close() {
        t.close();
    }

    private String image(String seed, String... purls) {
        String digest = TestServer.digest(seed);
        StringBuilder b = new StringBuilder("{\"repository\":\"team/" + seed + "\",\"namespaces\":[\"team\"],\"components\":[");
        for (int i = 0; i < purls.length; i++) b.append(i > 0 ? "," : "").append("{\"purl\":\"").append(purls[i]).append("\"}");
        Resp r = t.put(API + "/images/" + digest, token, b.append("]}").toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return digest;
    }

    private int previewTotal(String... purls) {
        Resp r = preview(purls);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("total").asInt();
    }

    private Resp preview(String... purls) {
        List<String> quoted = new ArrayList<>();
        for (String p : purls) quoted.add("\"" + p + "\"");
        return t.post(API + "/preview", token, "{\"purls\":[" + String.join(",", quoted) + "]}");
    }

    @Test
    void equivalentPurlsFindTheSameImagesInPreview() {
        image("a", "pkg:pypi/PyYAML@6.0", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64");
        image("b", "pkg:npm/@angular/core@16.0.0", "pkg:deb/debian/attr@1:2.4.47-2%2Bb1");

        assertThat(previewTotal("pkg:pypi/pyyaml@6.0")).isEqualTo(1);
        assertThat(previewTotal("pkg:PYPI/py_yaml@6.0")).as("not the same package (pyyaml vs py-yaml)").isZero();
        assertThat(previewTotal("pkg:DEB/debian/zlib1g@1%3A1.2.13.dfsg-1")).isEqualTo(1);
        assertThat(previewTotal("pkg:npm/%40angular/core@16.0.0")).isEqualTo(1);
        assertThat(previewTotal("pkg:deb/debian/attr@1:2.4.47-2+b1")).isEqualTo(1);
    }

    @Test
    void versionlessPurlsAndRangesFindTheVersionsPresent() {
        image("old", "pkg:deb/debian/openssl@1.1.1n-0+deb11u5");
        image("new", "pkg:deb/debian/openssl@3.0.11-1~deb12u1");
        image("fixed", "pkg:deb/debian/openssl@3.0.11-1~deb12u2");

        assertThat(previewTotal("pkg:deb/debian/openssl")).isEqualTo(3);
        assertThat(previewTotal("pkg:deb/debian/openssl@vers:deb/>=1.1.1|<3.0.11-1~deb12u2")).isEqualTo(2);
        assertThat(previewTotal("pkg:deb/debian/openssl@vers:deb/>=3.0.0|<3.0.11-1~deb12u2")).isEqualTo(1);

        Resp run = t.post(API + "/events/advisory", token,
                "{\"eventId\":\"dsa-5532\",\"purls\":[\"pkg:deb/debian/openssl@vers:deb/>=1.1.1|<3.0.11-1~deb12u2\"]}");
        assertThat(run.status()).as(run.toString()).isEqualTo(202);
        JsonNode planned = t.get(API + "/runs/" + run.json().get("runId").asText(), token).json();
        assertThat(planned.get("stats").get("candidates").asInt()).isEqualTo(2);
    }

    @Test
    void anInvalidPurlIsA400NamingTheFieldTheIndexAndTheComponent() {
        Resp r = preview("pkg:npm/lodash@4.17.21", "pkg:deb/", "pkg:deb/debian/openssl@vers:deb/>=1|<=1");
        assertThat(r.status()).isEqualTo(400);
        JsonNode errors = r.json().get("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).get("field").asText()).isEqualTo("purls[1]");
        assertThat(errors.get(0).get("message").asText()).contains("name").contains("required");
        assertThat(errors.get(1).get("field").asText()).isEqualTo("purls[2]");
        assertThat(errors.get(1).get("message").asText()).contains("vers");

        Resp intake = t.post(API + "/events/advisory", token, "{\"eventId\":\"e1\",\"purls\":[\"pkg:npm/ok@1\",\"openssl@3\"]}");
        assertThat(intake.status()).isEqualTo(400);
        assertThat(intake.json().get("errors").get(0).get("field").asText()).isEqualTo("purls[1]");
        assertThat(intake.json().get("errors").get(0).get("message").asText()).contains("scheme");

        Resp put = t.put(API + "/images/" + TestServer.digest("x"), token,
                "{\"components\":[{\"purl\":\"pkg:npm/ok@1\"},{\"purl\":\"pkg:npm/.bad@1\"}]}");
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.json().get("errors").get(0).get("field").asText()).isEqualTo("components[1].purl");
        assertThat(t.scheduler.indexedImage("acme", TestServer.digest("x"))).as("nothing indexed").isEmpty();
    }

    @Test
    void anOsvAdvisoryPlansExactlyTheAffectedImagesAndIsIdempotent() throws IOException {
        String vulnerable1 = image("log4j-2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        String vulnerable2 = image("log4j-2.12.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.12.1");
        String vulnerable3 = image("log4j-2.3", "pkg:maven/org.apache.logging.log4j/log4j-core@2.3");
        image("log4j-2.15.0", "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0");
        image("log4j-2.12.2", "pkg:maven/org.apache.logging.log4j/log4j-core@2.12.2");
        image("log4j-api-2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1");

        String osv = resource("documents/osv-GHSA-jfh8-c2jp-5v3q.json");
        Resp first = t.post(API + "/events/advisory", token, osv);
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        assertThat(first.json().get("eventId").asText()).isEqualTo("osv:GHSA-jfh8-c2jp-5v3q:2022-03-25T20:56:18Z");
        JsonNode run = t.get(API + "/runs/" + first.json().get("runId").asText(), token).json();
        assertThat(run.get("stats").get("candidates").asInt()).isEqualTo(3);
        assertThat(run.get("reason").get("concelierExportId").asText()).isEqualTo("GHSA-jfh8-c2jp-5v3q");

        Resp again = t.post(API + "/events/advisory", token, osv);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();

        // the aliases fed the catalog: a preview by CVE finds the same images
        JsonNode byCve = t.post(API + "/preview", token, "{\"vulnerabilityIds\":[\"CVE-2021-44228\"],\"sampleSize\":10}").json();
        assertThat(byCve.get("total").asInt()).isEqualTo(3);
        List<String> sampled = new ArrayList<>();
        byCve.get("sample").forEach(s -> sampled.add(s.get("imageDigest").asText()));
        assertThat(sampled).containsExactlyInAnyOrder(vulnerable1, vulnerable2, vulnerable3);
    }

    @Test
    void osvGitRangesAreIgnoredWithAWarningAndBadRangesNameTheirPath() {
        image("yaml", "pkg:pypi/pyyaml@5.3");
        String doc = "{\"id\":\"PYSEC-2020-96\",\"modified\":\"2021-01-01T00:00:00Z\",\"aliases\":[\"CVE-2020-14343\"],"
                + "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"PyYAML\"},\"ranges\":["
                + "{\"type\":\"GIT\",\"repo\":\"https://github.com/yaml/pyyaml\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"abc\"}]},"
                + "{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"5.4\"}]}]}]}";
        Resp r = t.post(API + "/events/advisory", token, doc);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("warnings").get(0).asText()).startsWith("affected[0].ranges[0]").contains("GIT");
        JsonNode run = t.get(API + "/runs/" + r.json().get("runId").asText(), token).json();
        assertThat(run.get("stats").get("candidates").asInt()).isEqualTo(1);

        String bad = "[{\"id\":\"X-1\",\"modified\":\"2021-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"Hackage\",\"name\":\"aeson\"}},"
                + "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"ok\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"broken\":\"1\"}]}]}]}]";
        Resp rejected = t.post(API + "/events/advisory", token, bad);
        assertThat(rejected.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        rejected.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).containsExactly("[0].affected[0].package.ecosystem", "[0].affected[1].ranges[0].events[0]");
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = PurlIntakeTest.class.getResourceAsStream("/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
