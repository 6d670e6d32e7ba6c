package io.verdict.scheduler.contracts;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link AuditLog} adapter must do: keep every manage action, show a tenant's newest first. */
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
}
