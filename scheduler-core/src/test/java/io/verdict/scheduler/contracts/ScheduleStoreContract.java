package io.verdict.scheduler.contracts;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link ScheduleStore} adapter must do: soft delete, version-checked updates, ordered listings. */
public abstract class ScheduleStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    protected ScheduleStore store;

    /** A store with no schedules in it. */
    protected abstract ScheduleStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    protected static Schedule schedule(String tenant, String id, String name, boolean enabled) {
        return new Schedule(id, tenant, name, enabled, "0 2 * * *", "UTC", null, Selector.allImages(tenant), null,
                null, null, null, T0, "alice", T0, "alice", null, null, 0);
    }

    private static Schedule fullyPopulated() {
        Selector selector = new Selector(Selector.Scope.BY_LABELS, "acme", List.of("payments", "web"),
                List.of("registry.example/acme/*", "api-?"), List.of("sha256:" + "a".repeat(64)),
                List.of("v1.*", "latest"),
                List.of(new Selector.LabelFilter("app.kubernetes.io/name", List.of("checkout", "cart")),
                        new Selector.LabelFilter("team", List.of())),
                true);
        return new Schedule("sched-full", "acme", "Nightly payments", false, "30 1 * * 1-5", "Europe/Berlin",
                Mode.CONTENT_REFRESH, selector, new Schedule.OnlyIf(7, "policy-rev-3"),
                new Schedule.NotifyPolicy(false, "critical", false), new Schedule.Limits(50, 2.5, 4, 10),
                new Schedule.DstPolicy(Schedule.DstPolicy.Gap.SKIP, Schedule.DstPolicy.Overlap.TWICE),
                T0, "alice", T0.plusSeconds(60), "bob", T0.plusSeconds(120), "carol", 5);
    }

    @Test
    public void insertedScheduleComesBackWithEveryField() {
        Schedule s = fullyPopulated();
        store.insert(s);
        assertThat(store.find("acme", "sched-full")).contains(s);
    }

    @Test
    public void defaultsAndPartlyFilledNestedValuesRoundTrip() {
        Schedule defaults = schedule("acme", "s-default", null, true);
        Schedule partial = new Schedule("s-partial", "acme", "partial", true, "0 * * * *", "America/New_York",
                Mode.ANALYSIS_ONLY, Selector.byNamespace("acme", "ns-1"), new Schedule.OnlyIf(null, "rev-1"),
                Schedule.NotifyPolicy.DEFAULT, new Schedule.Limits(null, 0.5, null, null), Schedule.DstPolicy.DEFAULT,
                T0, null, null, null, null, null, 0);
        store.insert(defaults);
        store.insert(partial);
        assertThat(store.find("acme", "s-default")).contains(defaults);
        assertThat(store.find("acme", "s-partial")).contains(partial);
    }

    @Test
    public void schedulesAreFoundOnlyUnderTheirTenant() {
        store.insert(schedule("acme", "s1", "a", true));
        assertThat(store.find("globex", "s1")).isEmpty();
        assertThat(store.find("acme", "missing")).isEmpty();
    }

    @Test
    public void sameIdInAnotherTenantIsAnotherSchedule() {
        Schedule acme = schedule("acme", "s1", "a", true);
        Schedule globex = schedule("globex", "s1", "g", false);
        store.insert(acme);
        store.insert(globex);
        assertThat(store.find("acme", "s1")).contains(acme);
        assertThat(store.find("globex", "s1")).contains(globex);
    }

    @Test
    public void insertingAnExistingScheduleFails() {
        Schedule first = schedule("acme", "s1", "first", true);
        store.insert(first);
        assertThatThrownBy(() -> store.insert(schedule("acme", "s1", "second", false)))
                .isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("acme", "s1")).contains(first);
    }

    @Test
    public void updateWithTheNextVersionIsStoredAndAStaleOneIsRefused() {
        Schedule s = schedule("acme", "s1", "nightly", true);
        store.insert(s);
        Schedule paused = withEnabled(s, false, "bob");
        assertThat(store.update(paused)).isEqualTo(paused);
        Schedule staleRename = renamed(s, "renamed from a stale copy");
        assertThatThrownBy(() -> store.update(staleRename)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("acme", "s1")).contains(paused);
    }

    @Test
    public void updateOfAnUnknownScheduleFails() {
        Schedule ghost = renamed(schedule("acme", "ghost", "g", true), "x");
        assertThatThrownBy(() -> store.update(ghost)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("acme", "ghost")).isEmpty();
    }

    @Test
    public void softDeletedSchedulesAreHiddenFromListingsButStillFound() {
        Schedule keep = schedule("acme", "keep", "keep", true);
        Schedule gone = schedule("acme", "gone", "gone", true);
        store.insert(keep);
        store.insert(gone);
        Schedule deleted = softDeleted(gone, T0.plusSeconds(5), "bob");
        store.update(deleted);

        assertThat(store.list("acme")).containsExactly(keep);
        assertThat(store.enabled()).containsExactly(keep);
        assertThat(store.find("acme", "gone")).contains(deleted);
    }

    @Test
    public void listIsPerTenantByNameThenId() {
        store.insert(schedule("acme", "s3", "beta", true));
        store.insert(schedule("acme", "s2", "alpha", false));
        store.insert(schedule("acme", "s1", "beta", true));
        store.insert(schedule("acme", "s0", null, true));
        store.insert(schedule("globex", "s0", "aaa", true));
        assertThat(store.list("acme")).as("unnamed schedules last").extracting(Schedule::id)
                .containsExactly("s2", "s1", "s3", "s0");
        assertThat(store.list("globex")).extracting(Schedule::id).containsExactly("s0");
        assertThat(store.list("nobody")).isEmpty();
    }

    @Test
    public void enabledListsEveryTenantsActiveSchedulesByTenantThenId() {
        store.insert(schedule("globex", "g1", "x", true));
        store.insert(schedule("acme", "a2", "x", true));
        store.insert(schedule("acme", "a1", "x", true));
        store.insert(schedule("acme", "a0", "x", false));
        assertThat(store.enabled()).extracting(s -> s.tenantId() + "/" + s.id())
                .containsExactly("acme/a1", "acme/a2", "globex/g1");
    }

    @Test
    public void concurrentEditsHaveExactlyOneWinnerPerVersion() throws Exception {
        store.insert(schedule("acme", "hot", "start", true));
        int threads = 6;
        int attempts = 10;
        ConcurrentHashMap<Long, String> winners = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String editor = "editor-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attempts; i++) {
                        Schedule cur = store.find("acme", "hot").orElseThrow();
                        Schedule next = renamed(cur, editor + "/" + i);
                        try {
                            store.update(next);
                            if (winners.putIfAbsent(next.version(), next.name()) != null) duplicates.incrementAndGet();
                        } catch (ConcurrentUpdateException lost) {
                            // another editor saved this version first
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Schedule stored = store.find("acme", "hot").orElseThrow();
        assertThat(duplicates).hasValue(0);
        assertThat(winners).hasSize((int) stored.version());
        assertThat(stored.name()).isEqualTo(winners.get(stored.version()));
    }

    private static Schedule renamed(Schedule s, String name) {
        return new Schedule(s.id(), s.tenantId(), name, s.enabled(), s.cronExpression(), s.timezone(), s.mode(),
                s.selection(), s.onlyIf(), s.notifications(), s.limits(), s.dstPolicy(), s.createdAt(), s.createdBy(),
                s.updatedAt(), s.updatedBy(), s.deletedAt(), s.deletedBy(), s.version() + 1);
    }

    private static Schedule withEnabled(Schedule s, boolean enabled, String by) {
        return new Schedule(s.id(), s.tenantId(), s.name(), enabled, s.cronExpression(), s.timezone(), s.mode(),
                s.selection(), s.onlyIf(), s.notifications(), s.limits(), s.dstPolicy(), s.createdAt(), s.createdBy(),
                s.updatedAt().plusSeconds(1), by, s.deletedAt(), s.deletedBy(), s.version() + 1);
    }

    private static Schedule softDeleted(Schedule s, Instant at, String by) {
        return new Schedule(s.id(), s.tenantId(), s.name(), s.enabled(), s.cronExpression(), s.timezone(), s.mode(),
                s.selection(), s.onlyIf(), s.notifications(), s.limits(), s.dstPolicy(), s.createdAt(), s.createdBy(),
                at, by, at, by, s.version() + 1);
    }
}
