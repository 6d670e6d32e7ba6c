package io.verdict.scheduler.impact;

import io.verdict.scheduler.inmemory.InMemoryImageStore;
import io.verdict.scheduler.inmemory.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IndexFollowerTest {
    private static final Instant T0 = Instant.parse("2026-12-02T07:00:00Z");

    /** A store that declares in-order visibility and counts the change rows handed out. */
    private static final class InOrder implements ImageStore {
        final InMemoryImageStore store;
        int rowsRead;

        InOrder(ManualClock clock) {
            store = new InMemoryImageStore(clock);
        }

        @Override public void save(ImageRecord image) { store.save(image); }
        @Override public boolean delete(String tenantId, String digest) { return store.delete(tenantId, digest); }
        @Override public List<ImageRecord> loadAll() { return store.loadAll(); }
        @Override public boolean changesVisibleInOrder() { return true; }

        @Override
        public List<ImageChange> changesAfter(Instant at, long seq, int limit) {
            List<ImageChange> page = store.changesAfter(at, seq, limit);
            rowsRead += page.size();
            return page;
        }
    }

    private static ImageRecord image(String digest, String purl) {
        return new ImageRecord("acme", digest, "registry.example", "app", List.of("ns"), List.of("latest"), Map.of(),
                List.of(new Component(purl, false)));
    }

    @Test
    void anInOrderStoreIsFollowedFromTheLastChangeReadNotReReadEveryPoll() {
        ManualClock clock = new ManualClock(T0);
        InOrder store = new InOrder(clock);
        ImpactIndex index = new ImpactIndex(clock);
        IndexFollower follower = new IndexFollower(store, index, clock, Duration.ofSeconds(10));
        follower.load();

        store.save(image("sha256:a", "pkg:npm/lodash@4.17.21"));
        store.save(image("sha256:b", "pkg:npm/lodash@4.17.21"));
        assertThat(follower.follow()).isEqualTo(2);
        assertThat(index.image("acme", "sha256:b")).isPresent();
        int read = store.rowsRead;

        clock.advance(Duration.ofSeconds(2));
        assertThat(follower.follow()).isZero();
        assertThat(store.rowsRead).as("nothing new: nothing read again").isEqualTo(read);

        clock.advance(Duration.ofSeconds(2));
        store.save(image("sha256:a", "pkg:npm/express@4.18.2"));
        store.delete("acme", "sha256:b");
        assertThat(follower.follow()).isEqualTo(2);
        assertThat(store.rowsRead).isEqualTo(read + 2);
        assertThat(index.image("acme", "sha256:a").orElseThrow().components())
                .extracting(Component::purl).containsExactly("pkg:npm/express@4.18.2");
        assertThat(index.image("acme", "sha256:b")).isEmpty();
    }
}
