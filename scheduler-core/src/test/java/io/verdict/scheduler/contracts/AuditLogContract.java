package io.verdict.scheduler.contracts;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.verdict.scheduler.audit.AuditCursor;
import io.verdict.scheduler.audit.AuditQuery;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.runs.Page;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link AuditLog} adapter must do: keep every manage action, show a tenant's newest first, and answer a
 * filtered, cursor-paged query whose pages neither repeat nor skip a record.
 */
public abstract class AuditLogContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    protected AuditLog log;

    /** An empty audit log. */
    protected abstract AuditLog newLog();

    @BeforeEach
    public void createLog() {
        log = newLog();
    }

    private static AuditRecord record(String tenant, String action, Instant at) {
        return new AuditRecord(tenant, "alice", action, "run-1", at, "corr-" + action, Map.of());
    }

    @Test
    public void appendedRecordComesBackWithEveryField() {
        AuditRecord r = new AuditRecord("acme", "alice@example.com", "runs.cancel", "run:acme:20251026T140511Z:0000000000aa",
                T0, "corr-1", Map.of("Reason", "stuck", "ip.address", "10.0.0.1", "$odd", "x"));
        log.append(r);
        assertThat(log.recent("acme", 10)).containsExactly(r);
        assertThat(r.metadata()).containsOnlyKeys("reason", "ip.address", "$odd");
    }

    @Test
    public void recordWithoutOptionalValuesRoundTrips() {
        AuditRecord r = new AuditRecord("acme", "system", "schedules.tick", null, T0, null, null);
        log.append(r);
        assertThat(log.recent("acme", 10)).containsExactly(r);
    }

    @Test
    public void recentIsNewestFirstLimitedAndPerTenant() {
        for (int i = 0; i < 5; i++) log.append(record("acme", "a" + i, T0.plusSeconds(i)));
        log.append(record("globex", "g0", T0.plusSeconds(10)));

        assertThat(log.recent("acme", 3)).extracting(AuditRecord::action).containsExactly("a4", "a3", "a2");
        assertThat(log.recent("acme", 100)).hasSize(5);
        assertThat(log.recent("globex", 10)).extracting(AuditRecord::action).containsExactly("g0");
        assertThat(log.recent("initech", 10)).isEmpty();
    }

    @Test
    public void actionsInTheSameMillisecondKeepTheirAppendOrder() {
        log.append(record("acme", "first", T0));
        log.append(record("acme", "second", T0));
        log.append(record("acme", "third", T0));
        assertThat(log.recent("acme", 10)).extracting(AuditRecord::action).containsExactly("third", "second", "first");
    }

    private static AuditRecord full(String tenant, String actor, String action, String target, Instant at) {
        return new AuditRecord(tenant, actor, action, target, at, "corr-" + action + "-" + at.toEpochMilli(), Map.of("k", "v"));
    }

    private static AuditQuery q(String tenant) {
        return AuditQuery.tenant(tenant);
    }

    /** Every page of {@code query}, following the cursors, checking each page's bound. */
    private List<AuditRecord> allPages(AuditQuery query) {
        List<AuditRecord> out = new ArrayList<>();
        AuditQuery next = query;
        for (int pages = 0; pages < 1000; pages++) {
            Page<AuditRecord> page = log.query(next);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(query.limit());
            out.addAll(page.items());
            if (page.nextCursor() == null) return out;
            assertThat(page.items()).hasSize(query.limit());
            next = query.after(AuditCursor.decode(page.nextCursor()));
        }
        throw new AssertionError("paging did not end");
    }

    @Test
    public void queryFiltersByActorActionAndTargetExactly() {
        log.append(full("acme", "alice", "runs.cancel", "run-1", T0));
        log.append(full("acme", "bob", "runs.cancel", "run-2", T0.plusSeconds(1)));
        log.append(full("acme", "alice", "schedules.create", "sch-1", T0.plusSeconds(2)));
        log.append(full("acme", "alice", "runs.retry", "run-1", T0.plusSeconds(3)));
        log.append(full("acme", "alicex", "runs.cancel", "run-1x", T0.plusSeconds(4)));

        assertThat(log.query(q("acme")).items()).extracting(AuditRecord::action)
                .containsExactly("runs.cancel", "runs.retry", "schedules.create", "runs.cancel", "runs.cancel");
        assertThat(log.query(new AuditQuery("acme", "alice", null, null, null, null, null, 10)).items())
                .extracting(AuditRecord::action).containsExactly("runs.retry", "schedules.create", "runs.cancel");
        assertThat(log.query(new AuditQuery("acme", null, "runs.cancel", null, null, null, null, 10)).items())
                .extracting(AuditRecord::actor).containsExactly("alicex", "bob", "alice");
        assertThat(log.query(new AuditQuery("acme", null, null, "run-1", null, null, null, 10)).items())
                .extracting(AuditRecord::action).containsExactly("runs.retry", "runs.cancel");
        assertThat(log.query(new AuditQuery("acme", "alice", "runs.cancel", "run-1", null, null, null, 10)).items())
                .singleElement().satisfies(r -> assertThat(r.occurredAt()).isEqualTo(T0));
        assertThat(log.query(new AuditQuery("acme", "ALICE", null, null, null, null, null, 10)).items()).isEmpty();
        assertThat(log.query(new AuditQuery("acme", "al%", null, null, null, null, null, 10)).items()).isEmpty();
    }

    @Test
    public void queryTimeWindowIsFromInclusiveToExclusive() {
        for (int i = 0; i < 5; i++) log.append(full("acme", "alice", "a" + i, "t", T0.plusSeconds(i)));
        AuditQuery window = new AuditQuery("acme", null, null, null, T0.plusSeconds(1), T0.plusSeconds(3), null, 10);
        assertThat(log.query(window).items()).extracting(AuditRecord::action).containsExactly("a2", "a1");
        assertThat(log.query(new AuditQuery("acme", null, null, null, T0.plusSeconds(3), null, null, 10)).items())
                .extracting(AuditRecord::action).containsExactly("a4", "a3");
        assertThat(log.query(new AuditQuery("acme", null, null, null, null, T0.plusSeconds(1), null, 10)).items())
                .extracting(AuditRecord::action).containsExactly("a0");
    }

    @Test
    public void pagesFollowTheCursorWithoutGapsOrDuplicatesAcrossSameMillisecondTies() {
        List<AuditRecord> appended = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // three records per millisecond, and the appends out of time order: the order is occurredAt, then append order
            AuditRecord r = full("acme", i % 2 == 0 ? "alice" : "bob", "a" + i, "t", T0.plusMillis((i * 7L) % 8));
            appended.add(r);
            log.append(r);
            log.append(full("globex", "alice", "g" + i, "t", T0.plusMillis(i % 8)));
        }
        for (int limit : new int[] {1, 2, 3, 5, 22, 23, 24, 500}) {
            List<AuditRecord> paged = allPages(q("acme").withLimit(limit));
            assertThat(paged).as("limit %d", limit).hasSize(23).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(appended);
            assertThat(paged).extracting(AuditRecord::tenantId).containsOnly("acme");
            for (int i = 1; i < paged.size(); i++) {
                assertThat(paged.get(i).occurredAt()).isBeforeOrEqualTo(paged.get(i - 1).occurredAt());
            }
            // ties keep the newest append first
            for (int i = 1; i < paged.size(); i++) {
                if (paged.get(i).occurredAt().equals(paged.get(i - 1).occurredAt())) {
                    assertThat(appended.indexOf(paged.get(i))).isLessThan(appended.indexOf(paged.get(i - 1)));
                }
            }
        }
        assertThat(allPages(new AuditQuery("acme", "bob", null, null, null, null, null, 4)))
                .hasSize(11).extracting(AuditRecord::actor).containsOnly("bob");
    }

    @Test
    public void theLastPageHasNoCursorAndAnExactlyFullPageDoesNotPointAtAnEmptyOne() {
        for (int i = 0; i < 4; i++) log.append(full("acme", "alice", "a" + i, "t", T0.plusSeconds(i)));
        Page<AuditRecord> first = log.query(q("acme").withLimit(2));
        assertThat(first.nextCursor()).isNotNull();
        Page<AuditRecord> second = log.query(q("acme").withLimit(2).after(AuditCursor.decode(first.nextCursor())));
        assertThat(second.items()).extracting(AuditRecord::action).containsExactly("a1", "a0");
        assertThat(second.nextCursor()).isNull();
        assertThat(log.query(q("acme").withLimit(4)).nextCursor()).isNull();
        assertThat(log.query(q("nobody")).items()).isEmpty();
    }

    @Test
    public void recordsAppendedWhilePagingDoNotShiftLaterPages() {
        for (int i = 0; i < 6; i++) log.append(full("acme", "alice", "a" + i, "t", T0.plusSeconds(i)));
        Page<AuditRecord> first = log.query(q("acme").withLimit(3));
        log.append(full("acme", "alice", "late", "t", T0.plusSeconds(60)));
        Page<AuditRecord> second = log.query(q("acme").withLimit(3).after(AuditCursor.decode(first.nextCursor())));
        assertThat(second.items()).extracting(AuditRecord::action).containsExactly("a2", "a1", "a0");
    }

    @Test
    public void aCursorCannotReachAnotherTenantsRecords() {
        for (int i = 0; i < 3; i++) log.append(full("acme", "alice", "a" + i, "t", T0.plusSeconds(i)));
        for (int i = 0; i < 3; i++) log.append(full("globex", "eve", "g" + i, "t", T0.plusSeconds(i)));
        Page<AuditRecord> acme = log.query(q("acme").withLimit(1));
        Set<String> tenants = new HashSet<>();
        log.query(q("globex").withLimit(10).after(AuditCursor.decode(acme.nextCursor()))).items()
                .forEach(r -> tenants.add(r.tenantId()));
        assertThat(tenants).containsOnly("globex");
        assertThat(log.query(new AuditQuery("acme", "eve", null, null, null, null, null, 10)).items()).isEmpty();
    }

    @Test
    public void queryReturnsEveryFieldAndHonoursTheLimitBounds() {
        AuditRecord r = new AuditRecord("acme", "alice@example.com", "runs.cancel", "run:acme:1", T0, "corr-1",
                Map.of("reason", "stuck"));
        log.append(r);
        assertThat(log.query(q("acme").withLimit(AuditQuery.MAX_LIMIT)).items()).containsExactly(r);
        assertThat(log.query(q("acme").withLimit(1)).items()).containsExactly(r);
        assertThatThrownBy(() -> q("acme").withLimit(0)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("limit");
        assertThatThrownBy(() -> q("acme").withLimit(AuditQuery.MAX_LIMIT + 1)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("limit");
        assertThatThrownBy(() -> AuditCursor.decode("not a cursor!")).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("cursor");
    }
}
