package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import io.verdict.scheduler.impact.ImageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real documents at the edges (see src/test/resources/documents/SOURCES.md): SBOMs written by {@code npm sbom}
 * index an image through {@code PUT /images/{digest}}; the OpenVEX specification's example and a CycloneDX VEX
 * document plan the images holding the products they name.
 */
class DocumentIntakeTest {
    private static final String API = "/api/v1/scheduler";
    private final TestServer t = new TestServer();
    private final String token = t.token("acme");

    @AfterEach
    void close() {
        t.close();
    }

    private Resp putSbom(String digest, String contentType, String body, String query) {
        return t.send("PUT", API + "/images/" + digest + query, token, body, Map.of("Content-Type", contentType));
    }

    private int preview(String purl) {
        return t.post(API + "/preview", token, "{\"purls\":[\"" + purl + "\"]}").json().get("total").asInt();
    }

    @Test
    void cycloneDxAndSpdxSbomsFromNpmIndexTheirComponents() throws IOException {
        String cdx = TestServer.digest("cdx");
        Resp r = putSbom(cdx, "application/vnd.cyclonedx+json", resource("documents/npm-sbom-cyclonedx.json"),
                "?repository=web/frontend&namespaces=web&tags=1.0");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("format").asText()).isEqualTo("cyclonedx");
        assertThat(r.json().get("components").asInt()).isEqualTo(2);
        assertThat(r.json().get("skipped")).isEmpty();
        ImageRecord indexed = t.scheduler.indexedImage("acme", cdx).orElseThrow();
        assertThat(indexed.repository()).isEqualTo("web/frontend");
        assertThat(indexed.namespaces()).containsExactly("web");

        String spdx = TestServer.digest("spdx");
        Resp s = putSbom(spdx, "application/spdx+json", resource("documents/npm-sbom-spdx.json"), "");
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.json().get("components").asInt()).isEqualTo(2);
        assertThat(s.json().get("skipped")).hasSize(1);
        assertThat(s.json().get("skipped").get(0).get("reason").asText()).contains("DESCRIBES");

        assertThat(preview("pkg:npm/@babel/core")).isEqualTo(2);
        assertThat(preview("pkg:npm/lodash@vers:npm/<4.17.21")).isEqualTo(2);
        assertThat(preview("pkg:npm/verdict-sbom-fixture")).as("the SBOM's subject is not a component").isZero();

        // re-indexing without query parameters keeps the image's metadata
        assertThat(putSbom(cdx, "application/vnd.cyclonedx+json", resource("documents/npm-sbom-cyclonedx.json"), "").status())
                .isEqualTo(200);
        assertThat(t.scheduler.indexedImage("acme", cdx).orElseThrow().repository()).isEqualTo("web/frontend");
    }

    @Test
    void nestedCycloneDxComponentsAreIndexedAndBadOnesListedAsSkipped() {
        String bom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
                + "{\"name\":\"app\",\"purl\":\"pkg:maven/com.example/app@1.0\",\"components\":["
                + "  {\"name\":\"log4j-core\",\"purl\":\"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"},"
                + "  {\"name\":\"no-purl\"},"
                + "  {\"name\":\"broken\",\"purl\":\"pkg:maven/@1.0\"}]}]}";
        Resp r = putSbom(TestServer.digest("nested"), "application/vnd.cyclonedx+json", bom, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("components").asInt()).isEqualTo(2);
        List<String> skipped = new ArrayList<>();
        r.json().get("skipped").forEach(s -> skipped.add(s.get("field").asText() + " " + s.get("reason").asText()));
        assertThat(skipped).hasSize(2);
        assertThat(skipped.get(0)).startsWith("components[0].components[1].purl no purl");
        assertThat(skipped.get(1)).startsWith("components[0].components[2].purl").contains("name");
        assertThat(preview("pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0")).isEqualTo(1);

        Resp wrong = putSbom(TestServer.digest("x"), "application/vnd.cyclonedx+json", "{\"bomFormat\":\"SPDX\"}", "");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("errors").get(0).get("field").asText()).isEqualTo("bomFormat");
    }

    @Test
    void theOpenVexSpecExamplePlansTheImagesWithTheProduct() throws IOException {
        t.indexImages("acme", 2, "wolfi", List.of("pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"));
        t.indexImages("acme", 1, "other", List.of("pkg:apk/wolfi/git@2.40.0-r0"));
        String vex = resource("documents/openvex-spec-minimal.json");
        Resp r = t.post(API + "/events/vex", token, vex);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("eventId").asText()).startsWith("openvex:sha256:");
        JsonNode run = t.get(API + "/runs/" + r.json().get("runId").asText(), token).json();
        assertThat(run.get("trigger").asText()).isEqualTo("excititor");
        assertThat(run.get("stats").get("candidates").asInt()).isEqualTo(2);
        Resp again = t.post(API + "/events/vex", token, vex);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("runId").asText()).isEqualTo(r.json().get("runId").asText());
    }

    @Test
    void aCycloneDxVexDocumentResolvesAffectsThroughBomRefs() {
        t.indexImages("acme", 3, "api", List.of("pkg:npm/lodash@4.17.20"));
        String vex = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"serialNumber\":\"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\",\"version\":1,"
                + "\"components\":[{\"bom-ref\":\"lodash@4.17.20\",\"name\":\"lodash\",\"purl\":\"pkg:npm/lodash@4.17.20\"}],"
                + "\"vulnerabilities\":[{\"id\":\"CVE-2021-23337\",\"analysis\":{\"state\":\"not_affected\",\"justification\":\"code_not_reachable\"},"
                + "\"affects\":[{\"ref\":\"lodash@4.17.20\"},{\"ref\":\"urn:cdx:unknown/1#x\"}]}]}";
        Resp r = t.post(API + "/events/vex", token, vex);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("warnings").get(0).asText()).startsWith("vulnerabilities[0].affects[1].ref");
        JsonNode run = t.get(API + "/runs/" + r.json().get("runId").asText(), token).json();
        assertThat(run.get("stats").get("candidates").asInt()).isEqualTo(3);
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = DocumentIntakeTest.class.getResourceAsStream("/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
