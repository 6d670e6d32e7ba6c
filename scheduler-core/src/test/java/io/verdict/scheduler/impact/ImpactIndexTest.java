package io.verdict.scheduler.impact;

import io.verdict.scheduler.inmemory.ManualClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user of the impact index notices: tenants apart, re-indexing and removal taking effect, staleness stamp. */
class ImpactIndexTest {
    private static final String OPENSSL = "pkg:deb/debian/openssl@3.0.11-1";
    private static final String ZLIB = "pkg:deb/debian/zlib1g@1.2.13";
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));
    private final ImpactIndex index = new ImpactIndex(clock);

    private static ImageRecord image(String tenant, String digest, Component... components) {
        return new ImageRecord(tenant, digest, "registry.example.com", "team-a/api", List.of("team-a"),
                List.of("latest"), Map.of(), List.of(components));
    }

    private List<String> digests(String tenant, String purl) {
        return index.resolve(ImpactQuery.forPurls(tenant, Set.of(purl), null, false)).images().stream()
                .map(ImpactedImage::imageDigest).toList();
    }

    @Test
    void aTenantNeverSeesAnotherTenantsImages() {
        index.upsert(image("acme", D1, new Component(OPENSSL, true)));
        index.upsert(image("globex", D1, new Component(OPENSSL, false)));
        index.upsert(image("globex", D2, new Component(OPENSSL, false)));

        assertThat(digests("acme", OPENSSL)).containsExactly(D1);
        assertThat(digests("globex", OPENSSL)).containsExactly(D1, D2);
        assertThat(index.resolve(ImpactQuery.allImages("acme", null)).total()).isEqualTo(1);
        assertThat(digests("initech", OPENSSL)).isEmpty();
        // The same digest in two tenants is two images: each keeps its own entrypoint flag.
        assertThat(index.resolve(ImpactQuery.forPurls("acme", Set.of(OPENSSL), null, true)).images())
                .extracting(ImpactedImage::imageDigest).containsExactly(D1);
        assertThat(index.resolve(ImpactQuery.forPurls("globex", Set.of(OPENSSL), null, true)).images()).isEmpty();

        assertThat(index.remove("acme", D1)).isTrue();
        assertThat(digests("globex", OPENSSL)).containsExactly(D1, D2);
        assertThat(index.size("acme")).isZero();
        assertThat(index.size("globex")).isEqualTo(2);
    }

    @Test
    void reIndexingAnImageDropsThePurlsItNoLongerHas() {
        index.upsert(image("acme", D1, new Component(OPENSSL, true)));
        index.upsert(image("acme", D1, new Component(ZLIB, false)));

        assertThat(digests("acme", OPENSSL)).isEmpty();
        assertThat(digests("acme", ZLIB)).containsExactly(D1);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.image("acme", D1)).get().extracting(ImageRecord::components)
                .isEqualTo(List.of(new Component(ZLIB, false)));
    }

    @Test
    void reIndexingUpdatesTheEntrypointFlag() {
        index.upsert(image("acme", D1, new Component(OPENSSL, true)));
        index.upsert(image("acme", D1, new Component(OPENSSL, false)));

        assertThat(index.resolve(ImpactQuery.forPurls("acme", Set.of(OPENSSL), null, true)).images()).isEmpty();
        assertThat(index.resolve(ImpactQuery.forPurls("acme", Set.of(OPENSSL), null, false)).images())
                .singleElement().extracting(ImpactedImage::usedByEntrypoint).isEqualTo(false);
    }

    @Test
    void aRemovedImageIsGoneAndItsSlotCarriesNothingOver() {
        index.upsert(image("acme", D1, new Component(OPENSSL, true)));
        assertThat(index.remove("acme", D1)).isTrue();

        assertThat(digests("acme", OPENSSL)).isEmpty();
        assertThat(index.image("acme", D1)).isEmpty();
        assertThat(index.size()).isZero();
        assertThat(index.remove("acme", D1)).as("second removal").isFalse();

        // The next image reuses the freed slot; it must not inherit the removed image's components.
        index.upsert(image("acme", D2, new Component(ZLIB, false)));
        assertThat(digests("acme", OPENSSL)).isEmpty();
        assertThat(digests("acme", ZLIB)).containsExactly(D2);
        assertThat(index.candidates(ImpactQuery.forPurls("acme", Set.of(OPENSSL), null, false)).isEmpty()).isTrue();
    }

    @Test
    void matchingIgnoresQualifiersAndSubpathButNotTheVersion() {
        index.upsert(image("acme", D1, new Component(OPENSSL + "?arch=amd64&distro=debian-12", false)));
        index.upsert(image("acme", D2, new Component("pkg:maven/org.apache/commons-text@1.9#lib/x", false)));

        assertThat(digests("acme", OPENSSL)).containsExactly(D1);
        assertThat(digests("acme", OPENSSL + "?arch=arm64")).containsExactly(D1);
        assertThat(digests("acme", "pkg:deb/debian/openssl@3.0.12-1")).isEmpty();
        assertThat(digests("acme", "pkg:maven/org.apache/commons-text@1.9")).containsExactly(D2);
    }

    @Test
    void theBuildStampMovesOnEveryChangeAndOnlyThen() {
        Instant created = index.builtAt();
        clock.advance(Duration.ofMinutes(1));
        assertThat(index.remove("acme", D1)).isFalse();
        assertThat(index.builtAt()).as("nothing removed").isEqualTo(created);

        index.upsert(image("acme", D1, new Component(OPENSSL, true)));
        Instant afterUpsert = clock.instant();
        assertThat(index.builtAt()).isEqualTo(afterUpsert);
        assertThat(index.resolve(ImpactQuery.allImages("acme", null)).indexBuiltAt()).isEqualTo(afterUpsert);

        clock.advance(Duration.ofMinutes(1));
        index.remove("acme", D1);
        assertThat(index.builtAt()).isEqualTo(clock.instant());

        clock.advance(Duration.ofMinutes(1));
        index.markRefreshed();
        assertThat(index.builtAt()).isEqualTo(clock.instant());
    }

    @Test
    void loadingASnapshotKeepsTheSnapshotsStamp() {
        Instant snapshotTakenAt = Instant.parse("2025-10-20T00:00:00Z");
        clock.advance(Duration.ofHours(1));
        index.loadAll(List.of(image("acme", D1, new Component(OPENSSL, true))), snapshotTakenAt);

        assertThat(index.builtAt()).isEqualTo(snapshotTakenAt);
        assertThat(digests("acme", OPENSSL)).containsExactly(D1);
    }

    @Test
    void whileABackgroundLoadRunsReadsAndWritesWaitForIt() throws Exception {
        index.beginLoad();
        assertThat(index.isLoaded()).isFalse();
        var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> digests("acme", OPENSSL));
        var writer = java.util.concurrent.CompletableFuture.runAsync(
                () -> index.upsert(image("acme", D2, new Component(OPENSSL, false))));
        Thread.sleep(100);
        assertThat(reader).isNotDone();
        assertThat(writer).isNotDone();

        index.loadAll(List.of(image("acme", D1, new Component(OPENSSL, true))), null);

        assertThat(index.isLoaded()).isTrue();
        // The read saw the loaded index (never the empty one); the write came after the load, not before it.
        assertThat(reader.get(5, java.util.concurrent.TimeUnit.SECONDS)).contains(D1);
        writer.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(digests("acme", OPENSSL)).containsExactly(D1, D2);
    }

    @Test
    void aFailedBackgroundLoadFailsReadsInsteadOfAnsweringEmpty() {
        index.beginLoad();
        index.failLoad(new IllegalStateException("store down"));

        assertThat(index.isLoaded()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.size())
                .isInstanceOf(IllegalStateException.class).hasRootCauseMessage("store down");
    }
}
