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
    void separateRolesNeedASharedStore() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_ROLE", "api"), Map.of()))
                .hasMessageContaining("needs SCHEDULER_MONGO_URI");
    }

    @Test
    void unknownKeysInTheFileAreRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "SCHEDULER_WORKRES=2\n");
        assertThatThrownBy(() -> AppConfig.load(Map.of("SCHEDULER_CONFIG", file.toString()), Map.of()))
                .hasMessageContaining("unknown key SCHEDULER_WORKRES");
    }
}
