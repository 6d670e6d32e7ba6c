package io.verdict.scheduler.app;

import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.app.config.WebhookConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookConfigTest {
    private static final String SECRET = "0123456789abcdef-topsecret";

    @Test
    void noWebhookByDefaultAndTheOutboxRetriesTenTimesFromOneSecond() {
        AppConfig c = AppConfig.load(Map.of(), Map.of());
        assertThat(c.webhooks()).isEmpty();
        assertThat(c.eventDelivery().maxAttempts()).isEqualTo(10);
        assertThat(c.eventDelivery().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.eventDelivery().maxBackoff()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theUnnamedAndNamedWebhooksWithTheirFilters() {
        AppConfig c = AppConfig.load(Map.of(
                "SCHEDULER_WEBHOOK_URL", "https://notify.example/hooks/scheduler",
                "SCHEDULER_WEBHOOK_SECRET", SECRET,
                "SCHEDULER_WEBHOOKS", "soc",
                "SCHEDULER_WEBHOOK_SOC_URL", "http://soc.internal:9000/in",
                "SCHEDULER_WEBHOOK_SOC_SECRET", SECRET + "-2",
                "SCHEDULER_WEBHOOK_SOC_KINDS", "scheduler.rescan.delta, scheduler.run.failed",
                "SCHEDULER_WEBHOOK_SOC_TENANTS", "acme",
                "SCHEDULER_WEBHOOK_SOC_MIN_SEVERITY", "critical",
                "SCHEDULER_WEBHOOK_SOC_KEV_ONLY", "true",
                "SCHEDULER_EVENTS_MAX_ATTEMPTS", "3"), Map.of());
        assertThat(c.webhooks()).extracting(WebhookConfig::name).containsExactly("default", "soc");
        WebhookConfig soc = c.webhooks().get(1);
        assertThat(soc.url()).isEqualTo(URI.create("http://soc.internal:9000/in"));
        assertThat(soc.filter().kinds()).isEqualTo(Set.of("scheduler.rescan.delta", "scheduler.run.failed"));
        assertThat(soc.filter().tenants()).containsExactly("acme");
        assertThat(soc.filter().minSeverity()).isEqualTo("critical");
        assertThat(soc.filter().kevOnly()).isTrue();
        assertThat(c.webhooks().get(0).filter().kinds()).isEmpty();
        assertThat(c.eventDelivery().maxAttempts()).isEqualTo(3);
        assertThat(c.describe()).contains("webhooks=[default, soc]").doesNotContain(SECRET).doesNotContain("notify.example");
        assertThat(soc.toString()).doesNotContain(SECRET);
    }

    @Test
    void everyWebhookProblemIsReportedByKeyWithoutSecretsOrUrls() {
        assertThatThrownBy(() -> AppConfig.load(Map.of(
                "SCHEDULER_WEBHOOK_URL", "ftp://user:pw@files.example/x",
                "SCHEDULER_WEBHOOK_SECRET", "short-secret",
                "SCHEDULER_WEBHOOK_KINDS", "scheduler.run.done",
                "SCHEDULER_WEBHOOK_MIN_SEVERITY", "severe",
                "SCHEDULER_WEBHOOK_KEV_ONLY", "yes",
                "SCHEDULER_WEBHOOKS", "ops, bad name",
                "SCHEDULER_WEBHOOK_OPS_SECRET", SECRET,
                "SCHEDULER_WEBHOOK_NOPE_URL", "https://x.example",
                "SCHEDULER_EVENTS_MAX_ATTEMPTS", "0"), Map.of()))
                .isInstanceOf(AppConfig.InvalidConfigException.class)
                .satisfies(e -> assertThat(((AppConfig.InvalidConfigException) e).problems()).anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_WEBHOOK_URL must be an absolute http(s) URL"))
                        .anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_WEBHOOK_SECRET is required"))
                        .anySatisfy(p -> assertThat(p).contains("SCHEDULER_WEBHOOK_KINDS: unknown kind 'scheduler.run.done'"))
                        .anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_WEBHOOK_MIN_SEVERITY must be one of"))
                        .anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_WEBHOOK_KEV_ONLY must be true or false"))
                        .anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_WEBHOOKS: 'bad name'"))
                        .anySatisfy(p -> assertThat(p).isEqualTo("SCHEDULER_WEBHOOK_OPS_URL is required for webhook 'ops'"))
                        .anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_WEBHOOK_NOPE_URL is set but 'nope' is not listed"))
                        .anySatisfy(p -> assertThat(p).startsWith("SCHEDULER_EVENTS_MAX_ATTEMPTS must be between 1 and")))
                .message().doesNotContain("short-secret").doesNotContain(SECRET).doesNotContain("user:pw");
    }

    @Test
    void filterKeysWithoutTheUrlAreRefused() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_WEBHOOK_SECRET", SECRET), Map.of()))
                .hasMessageContaining("SCHEDULER_WEBHOOK_SECRET is set but SCHEDULER_WEBHOOK_URL is not");
    }

    @Test
    void webhookKeysAreKnownInTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scheduler.properties");
        Files.writeString(file, "SCHEDULER_WEBHOOKS=ops\nSCHEDULER_WEBHOOK_OPS_URL=https://ops.example/h\n"
                + "SCHEDULER_WEBHOOK_OPS_SECRET=" + SECRET + "\n");
        AppConfig c = AppConfig.load(Map.of("SCHEDULER_CONFIG", file.toString()), Map.of());
        assertThat(c.webhooks()).extracting(WebhookConfig::name).containsExactly("ops");
    }
}
