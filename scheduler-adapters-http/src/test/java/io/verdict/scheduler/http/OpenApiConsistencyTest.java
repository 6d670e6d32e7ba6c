package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.routes.ApiRoute;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document describes exactly the endpoints Javalin registered, with the right scopes. */
class OpenApiConsistencyTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void documentAndRegisteredRoutesMatchBothWays() {
        try (TestServer t = new TestServer()) {
            JsonNode doc = t.get("/openapi.json", null).json();
            assertThat(doc.get("openapi").asText()).startsWith("3.");

            Set<String> documented = new TreeSet<>();
            for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
                String path = paths.next();
                for (Iterator<String> ms = doc.get("paths").get(path).fieldNames(); ms.hasNext(); ) {
                    String m = ms.next();
                    if (METHODS.contains(m)) documented.add(m.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
            Set<String> registered = new TreeSet<>();
            for (String e : t.plane.registeredEndpoints()) {
                String method = e.substring(0, e.indexOf(' '));
                if (METHODS.contains(method.toLowerCase(Locale.ROOT))) registered.add(e);
            }
            Set<String> undocumented = new TreeSet<>(registered);
            undocumented.removeAll(documented);
            Set<String> phantom = new TreeSet<>(documented);
            phantom.removeAll(registered);
            assertThat(undocumented).as("registered routes missing from openapi.json").isEmpty();
            assertThat(phantom).as("documented routes that do not exist").isEmpty();

            for (ApiRoute r : t.plane.routes()) {
                JsonNode op = doc.get("paths").get(r.path()).get(r.method().name().toLowerCase(Locale.ROOT));
                if (r.isPublic()) {
                    assertThat(op.get("security")).as(r.describe() + " is public").isNotNull().isEmpty();
                } else {
                    assertThat(op.path("x-required-scope").asText()).as(r.describe()).isEqualTo(r.scope().wire());
                    assertThat(op.get("responses").has("401")).as(r.describe() + " documents 401").isTrue();
                    assertThat(op.get("responses").has("403")).as(r.describe() + " documents 403").isTrue();
                }
            }
        }
    }

    @Test
    void documentsMergePatchNextFromAndTheScheduledTab() {
        try (TestServer t = new TestServer()) {
            JsonNode paths = t.get("/openapi.json", null).json().get("paths");
            JsonNode patch = paths.get("/api/v1/scheduler/schedules/{scheduleId}").get("patch");
            assertThat(patch.get("requestBody").get("content").has("application/merge-patch+json")).isTrue();
            assertThat(patch.get("summary").asText()).contains("RFC 7396");
            JsonNode next = paths.get("/api/v1/scheduler/schedules/{scheduleId}/next").get("get");
            assertThat(next.get("parameters").findValuesAsText("name")).contains("count", "from");
            JsonNode console = paths.get("/console/runs").get("get");
            assertThat(console.get("responses").get("200").toString()).contains("ConsoleScheduledRows");
        }
    }
}
