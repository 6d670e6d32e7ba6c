package io.verdict.scheduler.contracts;

import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.VerdictStore;
import io.verdict.scheduler.runs.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link VerdictStore} adapter must do: keep the last report per tenant and image. */
public abstract class VerdictStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    protected VerdictStore store;

    /** A store with no reports in it. */
    protected abstract VerdictStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    @Test
    public void savedReportComesBackWithEveryFinding() {
        ScanReport report = new ScanReport("rep-1", D1, "fail", List.of(
                new Finding("CVE-2024-3094", "pkg:deb/debian/xz-utils@5.6.0", Severity.CRITICAL, true, FindingStatus.AFFECTED),
                new Finding("CVE-2023-0001", "pkg:npm/lodash@4.17.20", Severity.MEDIUM, false, FindingStatus.NOT_AFFECTED),
                new Finding("CVE-2023-0002", "pkg:npm/lodash@4.17.20", Severity.LOW, false, FindingStatus.FIXED),
                new Finding("GHSA-xxxx", "pkg:pypi/requests@2.0", Severity.UNKNOWN, false, FindingStatus.UNDER_INVESTIGATION)),
                T0);
        assertThat(store.latest("acme", D1)).isEmpty();
        store.save("acme", report);
        assertThat(store.latest("acme", D1)).contains(report);
    }

    @Test
    public void reportWithoutFindingsRoundTrips() {
        ScanReport clean = new ScanReport("rep-2", D2, "pass", List.of(), T0);
        store.save("acme", clean);
        assertThat(store.latest("acme", D2)).contains(clean);
    }

    @Test
    public void newerReportReplacesTheBaseline() {
        store.save("acme", new ScanReport("rep-1", D1, "fail", List.of(), T0));
        ScanReport newer = new ScanReport("rep-2", D1, "pass", List.of(), T0.plusSeconds(3600));
        store.save("acme", newer);
        assertThat(store.latest("acme", D1)).contains(newer);
    }

    @Test
    public void reportsArePerTenant() {
        ScanReport acme = new ScanReport("rep-a", D1, "fail", List.of(), T0);
        ScanReport globex = new ScanReport("rep-g", D1, "pass", List.of(), T0);
        store.save("acme", acme);
        store.save("globex", globex);
        assertThat(store.latest("acme", D1)).contains(acme);
        assertThat(store.latest("globex", D1)).contains(globex);
        assertThat(store.latest("initech", D1)).isEmpty();
    }

    @Test
    public void batchReadAndWriteMatchTheSingleOnes() {
        ScanReport one = new ScanReport("rep-1", D1, "fail", List.of(
                new Finding("CVE-2024-3094", "pkg:deb/debian/xz-utils@5.6.0", Severity.CRITICAL, true, FindingStatus.AFFECTED)), T0);
        ScanReport two = new ScanReport("rep-2", D2, "pass", List.of(), T0);
        assertThat(store.latestAll("acme", List.of(D1, D2))).isEmpty();
        store.saveAll("acme", List.of(one, two));
        assertThat(store.latestAll("acme", List.of(D2, D1, "sha256:" + "9".repeat(64))))
                .containsOnlyKeys(D1, D2).containsEntry(D1, one).containsEntry(D2, two);
        assertThat(store.latestAll("globex", List.of(D1, D2))).as("per tenant").isEmpty();
        ScanReport newer = new ScanReport("rep-3", D1, "pass", List.of(), T0.plusSeconds(60));
        store.saveAll("acme", List.of(newer));
        assertThat(store.latest("acme", D1)).contains(newer);
        store.saveAll("acme", List.of());
        assertThat(store.latestAll("acme", List.of())).isEmpty();
    }
}
