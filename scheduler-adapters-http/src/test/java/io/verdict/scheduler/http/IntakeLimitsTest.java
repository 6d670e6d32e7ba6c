package io.verdict.scheduler.http;

import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import io.verdict.scheduler.intake.IntakeLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Events beyond the documented per-event bounds are refused whole (413 naming the field); nothing is planned. */
class IntakeLimitsTest {
    static final String ADVISORY = "/api/v1/scheduler/events/advisory";

    static String list(int n, String prefix) {
        return IntStream.range(0, n).mapToObj(i -> "\"" + prefix + i + "\"").collect(Collectors.joining(","));
    }

    @Test
    void eventsBeyondTheBoundsAre413NamingTheFieldAndPlanNothing() {
        try (TestServer t = new TestServer(s -> s.withMaxBodyBytes(8 << 20), b -> b)) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));

            Resp ids = t.post(ADVISORY, token, "{\"eventId\":\"e1\",\"purls\":[\"pkg:npm/lodash@4.17.20\"],"
                    + "\"vulnerabilityIds\":[" + list(IntakeLimits.MAX_VULNERABILITY_IDS + 1, "CVE-2099-") + "]}");
            assertThat(ids.status()).as(ids.body()).isEqualTo(413);
            assertThat(ids.json().get("code").asText()).isEqualTo("ERR_API_413");
            assertThat(ids.json().get("errors").findValuesAsText("field")).containsExactly("vulnerabilityIds");

            Resp purls = t.post(ADVISORY, token, "{\"eventId\":\"e2\",\"purls\":["
                    + list(IntakeLimits.MAX_PURLS + 1, "pkg:npm/p@") + "]}");
            assertThat(purls.status()).as(purls.body()).isEqualTo(413);
            assertThat(purls.json().get("errors").findValuesAsText("field")).containsExactly("purls");

            int perId = IntakeLimits.MAX_ID_PURL_PAIRS / IntakeLimits.MAX_VULNERABILITY_IDS;
            Resp pairs = t.post(ADVISORY, token, "{\"eventId\":\"e3\",\"purls\":[" + list(perId + 1, "pkg:npm/q@")
                    + "],\"vulnerabilityIds\":[" + list(IntakeLimits.MAX_VULNERABILITY_IDS, "CVE-2098-") + "]}");
            assertThat(pairs.status()).as(pairs.body()).isEqualTo(413);
            assertThat(pairs.json().get("errors").get(0).get("message").asText()).contains("pairs");

            assertThat(t.get("/api/v1/scheduler/runs", token).json().get("items")).as("nothing planned").isEmpty();

            Resp atTheBound = t.post(ADVISORY, token, "{\"eventId\":\"e4\",\"purls\":[" + list(perId, "pkg:npm/q@")
                    + "],\"vulnerabilityIds\":[" + list(IntakeLimits.MAX_VULNERABILITY_IDS, "CVE-2098-") + "]}");
            assertThat(atTheBound.status()).as(atTheBound.body()).isEqualTo(202);
        }
    }
}
