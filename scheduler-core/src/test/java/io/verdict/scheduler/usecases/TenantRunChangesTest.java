package io.verdict.scheduler.usecases;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.usecases.TenantRunChanges.Changes;
import io.verdict.scheduler.usecases.TenantRunChanges.Cursor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tenant feed's cursor: exact resumption from stored sequence numbers, log-only events, grace, bounds. */
class TenantRunChangesTest {
    final Storage storage = Storage.inMemory(Clock.systemUTC());
    final Scheduler scheduler = Scheduler.builder().storage(storage).instanceId("t").build();
    final TenantRunChanges feed = new TenantRunChanges(scheduler.queries());
    final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

    @AfterEach
    void close() {
        scheduler.close();
    }

    Run insert(String tenant, String id, Instant at, RunState state) {
        Run r = new Run(id, tenant, null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, state, RunReason.manual("t", "c"), at, null,
                null, null, null, "sha256:p", 1, 1, 1, 0);
        storage.runs().insert(r);
        return r;
    }

    void event(Run r, RunEvent e) {
        storage.events().append(r.tenantId(), r.id(), e);
    }

    @Test
    void resumesExactlyAndLogLinesAloneSendNothing() {
        insert("acme", "run:acme:old", t0, RunState.COMPLETED);
        Cursor start = feed.now("acme");
        assertThat(feed.after("acme", start).changes()).isEmpty();

        Run a = insert("acme", "run:acme:a", t0.plusSeconds(60), RunState.QUEUED);
        event(a, new RunEvent.StateChanged(RunState.QUEUED, null));
        Changes first = feed.after("acme", start);
        assertThat(first.changes()).extracting(c -> c.run().id()).containsExactly("run:acme:a");
        assertThat(first.changes().get(0).seq()).isEqualTo(1);
        assertThat(feed.after("acme", first.cursor()).changes()).isEmpty();

        event(a, new RunEvent.Log("info", "only a log line", "c"));
        Changes logOnly = feed.after("acme", first.cursor());
        assertThat(logOnly.changes()).isEmpty();
        assertThat(logOnly.cursor().seqs()).containsEntry("run:acme:a", 2L);

        event(a, new RunEvent.StateChanged(RunState.RUNNING, null));
        event(a, new RunEvent.StateChanged(RunState.COMPLETED, null));
        Changes end = feed.after("acme", logOnly.cursor());
        assertThat(end.changes()).hasSize(1);
        assertThat(end.changes().get(0).seq()).isEqualTo(4);
        // The same position, parsed back from its wire form (another process), gives the same answer.
        Cursor wire = Cursor.parse(logOnly.cursor().encode(), "Last-Event-ID");
        assertThat(wire).isEqualTo(logOnly.cursor());
        assertThat(feed.after("acme", wire).changes()).extracting(TenantRunChanges.Change::seq).containsExactly(4L);
        // The old terminal run is never reported, and from the end nothing is.
        assertThat(feed.after("acme", end.cursor()).changes()).isEmpty();
    }

    @Test
    void runsCreatedInTheSameInstantAreToldApartAndOtherTenantsIgnored() {
        Run a = insert("acme", "run:acme:a", t0, RunState.COMPLETED);
        event(a, new RunEvent.StateChanged(RunState.COMPLETED, null));
        Cursor afterA = feed.now("acme");
        assertThat(afterA.seqs()).as("within the grace window: named even though terminal").containsKey(a.id());
        Run b = insert("acme", "run:acme:b", t0, RunState.COMPLETED); // same millisecond as the watermark
        event(b, new RunEvent.StateChanged(RunState.COMPLETED, null));
        insert("globex", "run:globex:x", t0.plusSeconds(1), RunState.QUEUED);
        Changes c = feed.after("acme", afterA);
        assertThat(c.changes()).extracting(x -> x.run().id()).containsExactly("run:acme:b");

        // A crafted cursor naming another tenant's run: ignored, never read.
        Cursor crafted = new Cursor(0, new TreeMap<>(java.util.Map.of("run:globex:x", 0L)));
        assertThat(feed.after("acme", crafted).changes()).extracting(x -> x.run().tenantId()).containsOnly("acme");
    }

    @Test
    void tooManyRunsToFollowIsAReset() {
        for (int i = 0; i <= TenantRunChanges.MAX_TRACKED; i++) insert("busy", "run:busy:" + i, t0.plusMillis(i), RunState.QUEUED);
        Changes c = feed.after("busy", feed.now("busy"));
        assertThat(c.reset()).isTrue();
    }

    @Test
    void badIdsAreRefusedNamingTheField() {
        for (String bad : new String[]{"42", "1.x", "2.5", "1.5,run:a", "1.5,run:a=x", "1.5,,"}) {
            assertThatThrownBy(() -> Cursor.parse(bad, "Last-Event-ID")).as(bad).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("Last-Event-ID");
        }
    }
}
