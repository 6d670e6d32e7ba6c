package io.verdict.scheduler.app;

import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.SchedulerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppConfigTest {
    @Test
    void noConfigurationIsTheEmbeddedDefault() {
        AppConfig c = AppConfig.load(Map.of(), Map.of());
        assertThat(c.embeddedStore()).isTrue();
        assertThat(c.store()).isEqualTo(AppConfig.Store.EMBEDDED);
        assertThat(c.embeddedFile()).isEqualTo(Path.of("data", "scheduler.db"));
        assertThat(c.redisUri()).isNull();
        assertThat(c.role()).isEqualTo(SchedulerRole.ALL);
        assertThat(c.leaseTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.segmentSize()).isEqualTo(100);
    }

    @Test
    void environmentOverridesFileAndFlagsOverrideEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scheduler.properties");
        Files.writeString(file, "SCHEDULER_WORKERS=2\nSCHEDULER_SEGMENT_SIZE=50\nSCHEDULER_LEASE_SECONDS=10\n");
        AppConfig c = AppConfig.load(Map.of("SCHEDULER_CONFIG", file.toString(), "SCHEDULER_WORKERS", "8",
                "SCHEDULER_MONGO_URI", "mongodb://db:27017", "SCHEDULER_ROLE", "worker"), Map.of("SCHEDULER_WORKERS", "3"));
        assertThat(c.workers()).isEqualTo(3);
        assertThat(c.segmentSize()).isEqualTo(50);
        assertThat(c.leaseTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.role()).isEqualTo(SchedulerRole.WORKER);
    }

    @Test
    void everyProblemIsReportedAtOnceByKeyAndSecretsAreRedacted() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_ROLE", "boss", "SCHEDULER_WORKERS", "many",
                "SCHEDULER_REDIS_URI", "http://user:hunter2@redis", "SCHEDULER_SEGMENT_SIZE", "0"), Map.of()))
                .isInstanceOf(AppConfig.InvalidConfigException.class)
                .hasMessageContaining("SCHEDULER_ROLE must be one of api, worker, all (got 'boss')")
                .hasMessageContaining("SCHEDULER_WORKERS must be a whole number")
                .hasMessageContaining("SCHEDULER_SEGMENT_SIZE must be between 1 and 100000")
                .hasMessageContaining("SCHEDULER_REDIS_URI must start with redis://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void natsIsSelectedByItsUrlAndValidatedByKey() {
        AppConfig c = AppConfig.load(Map.of("SCHEDULER_NATS_URL", "nats://user:hunter2@10.0.0.5:4222,nats://10.0.0.6:4222"), Map.of());
        assertThat(c.natsUrl()).isEqualTo("nats://user:hunter2@10.0.0.5:4222,nats://10.0.0.6:4222");
        assertThat(c.natsNamespace()).isEqualTo("verdict");
        assertThat(c.describe()).contains("queue=nats://***@10.0.0.5:4222").doesNotContain("hunter2");
        assertThat(AppConfig.load(Map.of(), Map.of()).natsUrl()).isNull();

        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_NATS_URL", "http://a:secret@nats:4222",
                "SCHEDULER_NATS_NAMESPACE", "prod.eu"), Map.of()))
                .hasMessageContaining("SCHEDULER_NATS_URL must be nats://host[:port] or tls://host[:port]")
                .hasMessageContaining("SCHEDULER_NATS_NAMESPACE must be 1-32 letters, digits or '-' (got 'prod.eu')")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_NATS_URL", "nats://127.0.0.1:4222",
                "SCHEDULER_REDIS_URI", "redis://127.0.0.1:6379"), Map.of()))
                .hasMessageContaining("SCHEDULER_NATS_URL and SCHEDULER_REDIS_URI are exclusive");
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_NATS_NAMESPACE", "prod"), Map.of()))
                .hasMessageContaining("SCHEDULER_NATS_NAMESPACE is set but SCHEDULER_NATS_URL is not");
    }

    @Test
    void separateRolesNeedASharedStore() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_ROLE", "api"), Map.of()))
                .hasMessageContaining("needs SCHEDULER_MONGO_URI");
    }

    @Test
    void postgresIsSelectedByItsUrlAndMayServeSeparateRoles() {
        AppConfig c = AppConfig.load(Map.of("SCHEDULER_POSTGRES_URL", "jdbc:postgresql://db:5432/verdict?password=hunter2",
                "SCHEDULER_ROLE", "worker", "SCHEDULER_POSTGRES_POOL_SIZE", "4"), Map.of());
        assertThat(c.store()).isEqualTo(AppConfig.Store.POSTGRES);
        assertThat(c.embeddedStore()).isFalse();
        assertThat(c.postgresPoolSize()).isEqualTo(4);
        assertThat(c.describe()).contains("postgresql(jdbc:postgresql://db:5432/verdict?password=***)")
                .doesNotContain("hunter2");
    }

    @Test
    void storesAreMutuallyExclusiveAndPostgresUrlsAreValidatedByKey() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_POSTGRES_URL", "jdbc:postgresql://db/verdict",
                "SCHEDULER_MONGO_URI", "mongodb://db:27017"), Map.of()))
                .hasMessageContaining("SCHEDULER_MONGO_URI and SCHEDULER_POSTGRES_URL are mutually exclusive");
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_POSTGRES_URL", "postgres://u:hunter2@db/verdict"), Map.of()))
                .hasMessageContaining("SCHEDULER_POSTGRES_URL must start with jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_POSTGRES_USER", "app"), Map.of()))
                .hasMessageContaining("SCHEDULER_POSTGRES_USER is set but SCHEDULER_POSTGRES_URL is not");
    }

    @Test
    void unknownKeysInTheFileAreRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "SCHEDULER_WORKRES=2\n");
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_CONFIG", file.toString()), Map.of()))
                .hasMessageContaining("unknown key SCHEDULER_WORKRES");
    }
}
