package io.verdict.scheduler.contracts;

import io.verdict.scheduler.intake.AdvisoryCatalog;
import io.verdict.scheduler.intake.AdvisoryCatalogStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link AdvisoryCatalogStore} adapter must do, and the catalog's bounds over it. */
public abstract class AdvisoryCatalogStoreContract {
    protected AdvisoryCatalogStore store;

    /** A store with an empty catalog. */
    protected abstract AdvisoryCatalogStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    @Test
    public void addedPurlsAreFoundAsTheUnionPerId() {
        store.addPurls("acme", "CVE-1", Set.of("pkg:npm/a@1", "pkg:npm/b@1"));
        store.addPurls("acme", "CVE-1", Set.of("pkg:npm/b@1", "pkg:npm/c@1"));
        store.addPurls("acme", "CVE-2", Set.of("pkg:npm/z@9"));

        var found = store.find("acme", List.of("CVE-1", "CVE-2", "CVE-unknown"));
        assertThat(found).containsOnlyKeys("CVE-1", "CVE-2");
        assertThat(found.get("CVE-1")).containsExactlyInAnyOrder("pkg:npm/a@1", "pkg:npm/b@1", "pkg:npm/c@1");
        assertThat(found.get("CVE-2")).containsExactly("pkg:npm/z@9");
        assertThat(store.countIds("acme")).isEqualTo(2);
    }

    @Test
    public void catalogsAreKeptPerTenant() {
        store.addPurls("acme", "CVE-1", Set.of("pkg:npm/a@1"));
        assertThat(store.find("globex", List.of("CVE-1"))).isEmpty();
        assertThat(store.countIds("globex")).isZero();
    }

    @Test
    public void concurrentAddsToOneIdLoseNoPurl() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String purl = "pkg:npm/p" + t + "@1";
                done.add(pool.submit(() -> {
                    start.await();
                    store.addPurls("acme", "CVE-race", Set.of(purl));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.find("acme", List.of("CVE-race")).get("CVE-race")).hasSize(threads);
        assertThat(store.countIds("acme")).isEqualTo(1);
    }

    @Test
    public void catalogRejectsNewIdsBeyondItsBoundAndKeepsWhatItHad() {
        AdvisoryCatalog catalog = new AdvisoryCatalog(store, 2, 3);
        assertThat(catalog.learn("acme", List.of("CVE-1", "CVE-2"), List.of("pkg:npm/a@1")))
                .isInstanceOf(AdvisoryCatalog.Learned.Stored.class);
        assertThat(catalog.learn("acme", List.of("CVE-3"), List.of("pkg:npm/b@1")))
                .isEqualTo(new AdvisoryCatalog.Learned.Full("acme", 2));
        assertThat(catalog.learn("acme", List.of("CVE-1"), List.of("pkg:npm/b@1", "pkg:npm/c@1", "pkg:npm/d@1")))
                .as("known IDs still learn").isInstanceOf(AdvisoryCatalog.Learned.Stored.class);

        var r = catalog.resolve("acme", List.of("CVE-1", "CVE-3"));
        assertThat(r.purls()).as("at most 3 purls per ID").hasSize(3).contains("pkg:npm/a@1");
        assertThat(r.unresolved()).containsExactly("CVE-3");
        assertThat(store.countIds("acme")).isEqualTo(2);
    }
}
