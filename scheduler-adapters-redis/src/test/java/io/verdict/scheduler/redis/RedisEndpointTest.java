package io.verdict.scheduler.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisEndpointTest {
    @Test
    void parsesHostPortAndDatabase() {
        RedisEndpoint e = RedisEndpoint.parse("redis://cache.internal:6380/2");
        assertThat(e.host()).isEqualTo("cache.internal");
        assertThat(e.port()).isEqualTo(6380);
        assertThat(e.database()).isEqualTo(2);
        assertThat(e.tls()).isFalse();
        assertThat(e.password()).isNull();
    }

    @Test
    void fillsDefaultsAndReadsCredentialsAndTls() {
        assertThat(RedisEndpoint.parse("redis://localhost")).isEqualTo(RedisEndpoint.of("localhost", 6379, 0));
        assertThat(RedisEndpoint.parse("redis://localhost/")).isEqualTo(RedisEndpoint.of("localhost", 6379, 0));

        RedisEndpoint secret = RedisEndpoint.parse("rediss://:s3cret@redis.example:6390/1");
        assertThat(secret.tls()).isTrue();
        assertThat(secret.username()).isNull();
        assertThat(secret.password()).isEqualTo("s3cret");

        RedisEndpoint acl = RedisEndpoint.parse("redis://scheduler:pw@[::1]:7000/0");
        assertThat(acl.username()).isEqualTo("scheduler");
        assertThat(acl.host()).isEqualTo("::1");
        assertThat(acl.port()).isEqualTo(7000);
    }

    @Test
    void neverPrintsThePassword() {
        RedisEndpoint e = RedisEndpoint.parse("redis://scheduler:pw-123@cache:6379/3");
        assertThat(e.toString()).isEqualTo("redis://scheduler:***@cache:6379/3").doesNotContain("pw-123");
        assertThatThrownBy(() -> RedisEndpoint.parse("http://user:pw-123@cache:6379/0"))
                .hasMessageNotContaining("pw-123");
    }

    @Test
    void rejectsWhatIsNotARedisUriWithAMessageNamingTheProblem() {
        assertThatThrownBy(() -> RedisEndpoint.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RedisEndpoint.parse("localhost:6379")).hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://cache:6379/zero")).hasMessageContaining("database number");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://cache:6379/0?timeout=5")).hasMessageContaining("query");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis:///0")).hasMessageContaining("no host");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://cache:99999/0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsAnUnreachableRedisAtConnectTime() {
        assertThatThrownBy(() -> RedisConnection.connect("redis://127.0.0.1:1/0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis://127.0.0.1:1/0");
    }
}
