package io.verdict.scheduler.contracts;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link ImageStore} adapter must do: keep indexed SBOMs so the impact index survives a restart. */
public abstract class ImageStoreContract {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    protected ImageStore store;

    /** A store with no images in it. */
    protected abstract ImageStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    private static ImageRecord image(String tenant, String digest, String repository) {
        return new ImageRecord(tenant, digest, "registry.example", repository, List.of("ns"), List.of("latest"),
                Map.of(), List.of(new Component("pkg:npm/lodash@4.17.21", false)));
    }

    @Test
    public void savedImageComesBackWithEveryField() {
        ImageRecord full = new ImageRecord("acme", D1, "registry.example:5000", "acme/checkout",
                List.of("payments", "web"), List.of("v1.2.3", "latest"),
                // Label keys with dots and slashes are the norm in Kubernetes; they must survive storage.
                Map.of("app.kubernetes.io/name", "checkout", "team", "payments", "$weird", "value.with.dots"),
                List.of(new Component("pkg:deb/debian/openssl@3.0.11-1?arch=amd64", true),
                        new Component("pkg:npm/lodash@4.17.21", false)));
        store.save(full);
        assertThat(store.loadAll()).containsExactly(full);
    }

    @Test
    public void imageWithNoMetadataRoundTrips() {
        ImageRecord bare = new ImageRecord("acme", D2, null, null, null, null, null, null);
        store.save(bare);
        assertThat(store.loadAll()).containsExactly(bare);
    }

    @Test
    public void savingTheSameImageAgainReplacesIt() {
        store.save(image("acme", D1, "old/repo"));
        ImageRecord reindexed = image("acme", D1, "new/repo");
        store.save(reindexed);
        assertThat(store.loadAll()).containsExactly(reindexed);
    }

    @Test
    public void sameDigestUnderTwoTenantsIsTwoImages() {
        ImageRecord acme = image("acme", D1, "a");
        ImageRecord globex = image("globex", D1, "g");
        store.save(acme);
        store.save(globex);
        assertThat(store.loadAll()).containsExactlyInAnyOrder(acme, globex);

        assertThat(store.delete("acme", D1)).isTrue();
        assertThat(store.loadAll()).containsExactly(globex);
    }

    @Test
    public void deletingAnUnknownImageReportsFalse() {
        store.save(image("acme", D1, "a"));
        assertThat(store.delete("acme", D2)).isFalse();
        assertThat(store.delete("globex", D1)).isFalse();
        assertThat(store.delete("acme", D1)).isTrue();
        assertThat(store.delete("acme", D1)).isFalse();
        assertThat(store.loadAll()).isEmpty();
    }

    @Test
    public void loadAllReturnsEveryImage() {
        for (int i = 0; i < 50; i++) {
            store.save(image("acme", "sha256:" + String.format("%064x", i), "repo-" + i));
        }
        assertThat(store.loadAll()).hasSize(50).extracting(ImageRecord::repository).contains("repo-0", "repo-49");
    }

    @Test
    public void changeLogRecordsSavesAndRemovalsInOrderAndPagesAfterAPosition() {
        java.time.Instant before = java.time.Instant.now().minusSeconds(5);
        store.save(image("acme", D1, "a/one"));
        store.save(image("acme", D2, "a/two"));
        ImageRecord again = image("acme", D1, "a/one-moved");
        store.save(again);
        assertThat(store.delete("acme", D2)).isTrue();
        assertThat(store.delete("acme", D2)).as("nothing to remove, nothing recorded").isFalse();

        List<io.verdict.scheduler.impact.ImageChange> all = store.changesAfter(before, -1, 100);
        assertThat(all).extracting(io.verdict.scheduler.impact.ImageChange::digest).containsExactly(D1, D2, D1, D2);
        assertThat(all.get(2).image()).isEqualTo(again);
        assertThat(all.get(3).removed()).isTrue();
        for (int i = 1; i < all.size(); i++) assertThat(all.get(i).isAfter(all.get(i - 1))).isTrue();

        var first = all.get(0);
        assertThat(store.changesAfter(first.at(), first.seq(), 2)).containsExactly(all.get(1), all.get(2));
        var last = all.get(3);
        assertThat(store.changesAfter(last.at(), last.seq(), 10)).isEmpty();
    }
}
