package io.verdict.scheduler.http;

import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With SCHEDULER_METRICS_TOKEN set, /metrics (whose labels carry tenant IDs) answers only the scraper holding it. */
class MetricsProtectionTest {
    static final String SECRET = "scrape-secret-0123456789";

    @Test
    void metricsNeedTheBearerTokenWhenOneIsConfigured() {
        try (TestServer t = new TestServer(s -> s.withMetricsToken(SECRET), b -> b)) {
            var none = t.get("/metrics", null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.isProblem()).isTrue();
            assertThat(none.body()).doesNotContain(SECRET);
            assertThat(t.get("/metrics", "not-the-secret-at-all").status()).isEqualTo(401);
            assertThat(t.get("/metrics", t.token("acme")).status()).as("an API token is not the scrape token").isEqualTo(401);

            var ok = t.send("GET", "/metrics", SECRET, null, Map.of());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("scheduler_");
            assertThat(t.get("/healthz", null).status()).as("health stays open").isEqualTo(200);
        }
    }

    @Test
    void metricsStayOpenWithoutAToken() {
        try (TestServer t = new TestServer()) {
            assertThat(t.get("/metrics", null).status()).isEqualTo(200);
        }
    }
}
