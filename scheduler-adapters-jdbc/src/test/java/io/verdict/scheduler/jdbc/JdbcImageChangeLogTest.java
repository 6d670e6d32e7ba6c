package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageChange;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;
import io.verdict.scheduler.inmemory.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the core's ImageStoreContract leaves to the adapter, on both dialects: a re-save of an unchanged image
 * records nothing, bulk saves are logged, a clock stepping back never orders a later change before an earlier one,
 * and changes older than {@link ImageStore#CHANGE_LOG_RETENTION} are pruned.
 */
class JdbcImageChangeLogTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123456789Z");
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    private static ImageRecord image(String digest, String repository) {
        return new ImageRecord("acme", digest, "registry.example", repository, List.of("ns"), List.of("latest"),
                Map.of(), List.of(new Component("pkg:npm/lodash@4.17.21", false)));
    }

    abstract static class ChangeLog {
        abstract JdbcDatabase db();

        final ManualClock clock = new ManualClock(T0);

        @Test
        void anUnchangedImageRecordsNothingAndBulkSavesAreLogged() {
            JdbcImageStore store = new JdbcImageStore(db(), clock);
            store.save(image("sha256:a", "one"));
            store.save(image("sha256:a", "one"));
            store.saveAll(List.of(image("sha256:a", "one"), image("sha256:b", "two"), image("sha256:c", "three")));
            List<ImageChange> all = store.changesAfter(T0.minusSeconds(1), -1, 100);
            assertThat(all).extracting(ImageChange::digest).containsExactly("sha256:a", "sha256:b", "sha256:c");
            assertThat(all.get(0).at()).as("nanoseconds kept").isEqualTo(T0);
            assertThat(store.changesAfter(T0, -1, 100)).as("seq -1 starts at the instant itself").hasSize(3);
        }

        @Test
        void aClockSteppingBackNeverOrdersALaterChangeFirst() {
            JdbcImageStore store = new JdbcImageStore(db(), clock);
            store.save(image("sha256:a", "one"));
            clock.set(T0.minusSeconds(30)); // another instance's clock, or an NTP step
            store.save(image("sha256:b", "two"));
            ImageChange first = store.changesAfter(T0.minusSeconds(60), -1, 100).get(0);
            assertThat(first.digest()).isEqualTo("sha256:a");
            assertThat(store.changesAfter(first.at(), first.seq(), 100)).extracting(ImageChange::digest)
                    .as("a reader positioned after the first change still sees the second").containsExactly("sha256:b");
        }

        @Test
        void changesOlderThanTheRetentionArePruned() {
            JdbcImageStore store = new JdbcImageStore(db(), clock);
            store.save(image("sha256:a", "one"));
            clock.advance(ImageStore.CHANGE_LOG_RETENTION.plus(Duration.ofMinutes(2)));
            store.save(image("sha256:b", "two"));
            assertThat(store.changesAfter(T0.minusSeconds(1), -1, 100)).extracting(ImageChange::digest)
                    .containsExactly("sha256:b");
            assertThat(store.loadAll()).as("the images themselves stay").hasSize(2);
        }
    }

    @Nested
    class OnSqlite extends ChangeLog {
        @Override
        JdbcDatabase db() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcImageChangeLogTest.class);
            return sqlite.fresh();
        }
    }

    @Nested
    class OnPostgres extends ChangeLog {
        @Override
        JdbcDatabase db() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcImageChangeLogTest.class);
            return postgres.fresh();
        }
    }
}
