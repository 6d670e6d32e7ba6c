package io.verdict.scheduler.contracts;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStatus;
import io.verdict.scheduler.events.outbox.OutboxStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link OutboxStore} adapter must do: keep envelopes exactly as given, once per idempotency key; hand
 * out only the oldest pending entry of a run; lease what it hands out; retry, dead-letter and replay; page bounded and
 * tenant-confined.
 */
public abstract class OutboxStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");
    protected static final Duration LEASE = Duration.ofSeconds(30);

    protected OutboxStore outbox;

    /** An empty outbox. */
    protected abstract OutboxStore newOutbox();

    @BeforeEach
    public void createOutbox() {
        outbox = newOutbox();
    }

    protected static EventEnvelope envelope(String tenant, String runId, String kind, String subject) {
        String key = kind + ":" + runId + (subject == null ? "" : ":" + subject);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("runId", runId);
        payload.put("stats", Map.of("targets", 12, "nested", List.of("a", "b")));
        payload.put("note", "ünïcode \"quoted\"");
        return new EventEnvelope("id-" + key, kind, 1, tenant, T0, "corr-" + runId, key, payload);
    }

    private OutboxEntry append(String tenant, String runId, String kind, String subject) {
        return outbox.append(runId, envelope(tenant, runId, kind, subject), T0);
    }

    @Test
    public void appendedEnvelopeComesBackByteForByte() {
        EventEnvelope e = envelope("acme", "run-1", "scheduler.run.completed", null);
        OutboxEntry stored = outbox.append("run-1", e, T0);

        assertThat(stored.status()).isEqualTo(OutboxStatus.PENDING);
        assertThat(stored.attempts()).isZero();
        List<OutboxEntry> feed = outbox.after("acme", 0, 10);
        assertThat(feed).hasSize(1);
        OutboxEntry back = feed.get(0);
        assertThat(back.id()).isEqualTo(stored.id());
        assertThat(back.runId()).isEqualTo("run-1");
        assertThat(back.envelope().occurredAt()).isEqualTo(T0);
        assertThat(back.envelope().idempotencyKey()).isEqualTo(e.idempotencyKey());
        assertThat(CanonicalJson.write(io.verdict.scheduler.events.outbox.EnvelopeJson.toMap(back.envelope())))
                .isEqualTo(CanonicalJson.write(io.verdict.scheduler.events.outbox.EnvelopeJson.toMap(e)));
    }

    @Test
    public void appendAllStoresInOrderOncePerKey() {
        OutboxEntry first = append("acme", "run-1", "scheduler.rescan.delta", "img-b");
        List<EventEnvelope> batch = List.of(envelope("acme", "run-1", "scheduler.rescan.delta", "img-a"),
                envelope("acme", "run-1", "scheduler.rescan.delta", "img-b"),
                envelope("acme", "run-1", "scheduler.rescan.delta", "img-c"),
                envelope("acme", "run-1", "scheduler.rescan.delta", "img-a"));
        List<OutboxEntry> stored = outbox.appendAll("run-1", batch, T0);

        assertThat(stored).hasSize(4);
        assertThat(stored.get(1).id()).isEqualTo(first.id()); // already stored: the stored entry comes back
        assertThat(stored.get(3).id()).isEqualTo(stored.get(0).id());
        assertThat(outbox.after("acme", 0, 10)).extracting(e -> e.envelope().idempotencyKey()).containsExactly(
                "scheduler.rescan.delta:run-1:img-b", "scheduler.rescan.delta:run-1:img-a",
                "scheduler.rescan.delta:run-1:img-c");
        assertThat(stored.get(0).id()).isLessThan(stored.get(2).id());
        assertThat(outbox.appendAll("run-1", List.of(), T0)).isEmpty();
    }

    @Test
    public void sameIdempotencyKeyIsStoredOnce() {
        OutboxEntry first = append("acme", "run-1", "scheduler.run.started", null);
        EventEnvelope again = new EventEnvelope("other-id", "scheduler.run.started", 1, "acme", T0.plusSeconds(5),
                "corr", first.envelope().idempotencyKey(), Map.of("runId", "run-1"));
        OutboxEntry second = outbox.append("run-1", again, T0.plusSeconds(5));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.envelope().eventId()).isEqualTo(first.envelope().eventId());
        assertThat(outbox.after("acme", 0, 10)).hasSize(1);
    }

    @Test
    public void claimHandsOutOnlyTheOldestPendingEntryOfEachRun() {
        OutboxEntry a1 = append("acme", "run-a", "scheduler.run.started", null);
        OutboxEntry b1 = append("acme", "run-b", "scheduler.run.started", null);
        OutboxEntry a2 = append("acme", "run-a", "scheduler.rescan.delta", "sha256:1");

        assertThat(outbox.claim(T0, LEASE, 10)).extracting(OutboxEntry::id).containsExactly(a1.id(), b1.id());
        outbox.delivered(a1.id());
        // b1 is leased, a2 is now run-a's head
        assertThat(outbox.claim(T0.plusSeconds(1), LEASE, 10)).extracting(OutboxEntry::id).containsExactly(a2.id());
    }

    @Test
    public void claimedEntryIsLeasedUntilTheLeaseRunsOut() {
        OutboxEntry e = append("acme", "run-1", "scheduler.run.started", null);
        assertThat(outbox.claim(T0, LEASE, 10)).hasSize(1);
        assertThat(outbox.claim(T0.plusSeconds(29), LEASE, 10)).isEmpty();
        // the claimer died without an answer: someone else may deliver it again
        assertThat(outbox.claim(T0.plusSeconds(31), LEASE, 10)).extracting(OutboxEntry::id).containsExactly(e.id());
    }

    @Test
    public void failedEntryWaitsForItsRetryTimeAndBlocksTheRunBehindIt() {
        OutboxEntry first = append("acme", "run-1", "scheduler.run.started", null);
        append("acme", "run-1", "scheduler.run.completed", null);
        outbox.claim(T0, LEASE, 10);
        outbox.failed(first.id(), "HTTP 503", T0.plusSeconds(10));

        assertThat(outbox.claim(T0.plusSeconds(9), LEASE, 10)).isEmpty();
        List<OutboxEntry> retry = outbox.claim(T0.plusSeconds(10), LEASE, 10);
        assertThat(retry).extracting(OutboxEntry::id).containsExactly(first.id());
        assertThat(retry.get(0).attempts()).isEqualTo(1);
        assertThat(retry.get(0).lastError()).isEqualTo("HTTP 503");
        assertThat(outbox.counts()).isEqualTo(new OutboxCounts(2, 1, 0, 0));
    }

    @Test
    public void deadLetterUnblocksTheRunAndCanBeReplayed() {
        OutboxEntry first = append("acme", "run-1", "scheduler.run.started", null);
        OutboxEntry second = append("acme", "run-1", "scheduler.run.completed", null);
        outbox.claim(T0, LEASE, 10);
        outbox.failed(first.id(), "HTTP 500", T0);
        outbox.claim(T0, LEASE, 10);
        outbox.dead(first.id(), "HTTP 500 again");

        List<OutboxEntry> dead = outbox.deadLetters("acme", 0, 10);
        assertThat(dead).extracting(OutboxEntry::id).containsExactly(first.id());
        assertThat(dead.get(0).attempts()).isEqualTo(2);
        assertThat(dead.get(0).lastError()).isEqualTo("HTTP 500 again");
        assertThat(dead.get(0).status()).isEqualTo(OutboxStatus.DEAD);
        assertThat(outbox.claim(T0.plusSeconds(1), LEASE, 10)).extracting(OutboxEntry::id).containsExactly(second.id());
        outbox.delivered(second.id());

        assertThat(outbox.replay("globex", first.id(), T0.plusSeconds(2))).isFalse();
        assertThat(outbox.replay("acme", second.id(), T0.plusSeconds(2))).isFalse();
        assertThat(outbox.replay("acme", first.id(), T0.plusSeconds(2))).isTrue();
        assertThat(outbox.replay("acme", first.id(), T0.plusSeconds(2))).isFalse();
        assertThat(outbox.deadLetters("acme", 0, 10)).isEmpty();
        List<OutboxEntry> again = outbox.claim(T0.plusSeconds(2), LEASE, 10);
        assertThat(again).extracting(OutboxEntry::id).containsExactly(first.id());
        assertThat(again.get(0).attempts()).isZero();
        assertThat(outbox.counts()).isEqualTo(new OutboxCounts(1, 0, 1, 0));
    }

    @Test
    public void feedIsTenantConfinedAscendingAndPagedByCursor() {
        List<Long> acme = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acme.add(append("acme", "run-" + i, "scheduler.run.started", null).id());
            append("globex", "g-run-" + i, "scheduler.run.started", null);
        }
        List<OutboxEntry> page1 = outbox.after("acme", 0, 3);
        assertThat(page1).extracting(OutboxEntry::id).containsExactlyElementsOf(acme.subList(0, 3));
        List<OutboxEntry> page2 = outbox.after("acme", page1.get(2).id(), 3);
        assertThat(page2).extracting(OutboxEntry::id).containsExactlyElementsOf(acme.subList(3, 5));
        assertThat(outbox.after("acme", acme.get(4), 3)).isEmpty();
        assertThat(outbox.after("initech", 0, 10)).isEmpty();
        assertThat(page1).allSatisfy(e -> assertThat(e.envelope().tenant()).isEqualTo("acme"));
    }

    @Test
    public void readsAreBounded() {
        for (int i = 0; i < 3; i++) append("acme", "run-" + i, "scheduler.run.started", null);
        assertThat(outbox.after("acme", 0, 0)).isEmpty();
        assertThat(outbox.claim(T0, LEASE, 2)).hasSize(2);
        assertThat(outbox.after("acme", 0, Integer.MAX_VALUE)).hasSize(3);
    }

    @Test
    public void deliveredEntryIsNeverClaimedAgain() {
        OutboxEntry e = append("acme", "run-1", "scheduler.run.started", null);
        outbox.claim(T0, LEASE, 10);
        outbox.delivered(e.id());
        assertThat(outbox.claim(T0.plus(Duration.ofDays(1)), LEASE, 10)).isEmpty();
        assertThat(outbox.after("acme", 0, 10).get(0).status()).isEqualTo(OutboxStatus.DELIVERED);
        assertThat(outbox.counts()).isEqualTo(new OutboxCounts(0, 0, 1, 0));
    }

    @Test
    public void claimInOrderHandsOutAPrefixOfEachRunAndNothingPastAnUnfinishedEntry() {
        OutboxEntry a1 = append("acme", "run-a", "scheduler.rescan.delta", "1");
        OutboxEntry a2 = append("acme", "run-a", "scheduler.rescan.delta", "2");
        OutboxEntry a3 = append("acme", "run-a", "scheduler.rescan.delta", "3");
        OutboxEntry b1 = append("acme", "run-b", "scheduler.run.completed", null);

        List<OutboxEntry> first = outbox.claimInOrder(T0, LEASE, 10, 2);
        List<Long> ofA = first.stream().filter(e -> e.runId().equals("run-a")).map(OutboxEntry::id).toList();
        List<Long> ofB = first.stream().filter(e -> e.runId().equals("run-b")).map(OutboxEntry::id).toList();
        // Each run's part is its oldest entries in order (the head alone, or up to perRun of them).
        assertThat(List.of(List.of(a1.id()), List.of(a1.id(), a2.id()))).contains(ofA);
        assertThat(ofB).containsExactly(b1.id());
        assertThat(first).allSatisfy(e -> assertThat(e.nextAttemptAt()).isEqualTo(T0.plus(LEASE)));
        // Leased or behind a leased entry: nothing more to hand out now.
        assertThat(outbox.claimInOrder(T0, LEASE, 10, 2)).isEmpty();

        // The head fails, the rest of its batch is given back: they still wait behind it.
        outbox.failed(a1.id(), "HTTP 503", T0.plusSeconds(60));
        List<Long> given = ofA.subList(1, ofA.size());
        outbox.release(given, T0);
        assertThat(outbox.claimInOrder(T0.plusSeconds(1), LEASE, 10, 2)).isEmpty();

        List<OutboxEntry> retry = outbox.claimInOrder(T0.plusSeconds(60), LEASE, 10, 5);
        assertThat(retry).isNotEmpty();
        assertThat(retry.get(0).id()).isEqualTo(a1.id());
        assertThat(retry.get(0).attempts()).isEqualTo(1);
        List<Long> ids = retry.stream().map(OutboxEntry::id).toList();
        outbox.deliveredAll(ids);
        // Whatever is left of run-a comes next, in order, ending with a3 (run-b's lease ran out: it comes again).
        List<Long> rest = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            List<OutboxEntry> got = outbox.claimInOrder(T0.plusSeconds(61 + round), LEASE, 10, 5);
            got.stream().filter(e -> e.runId().equals("run-a")).forEach(e -> rest.add(e.id()));
            outbox.deliveredAll(got.stream().map(OutboxEntry::id).toList());
        }
        List<Long> all = new ArrayList<>(retry.stream().filter(e -> e.runId().equals("run-a")).map(OutboxEntry::id).toList());
        all.addAll(rest);
        assertThat(all).containsExactly(a1.id(), a2.id(), a3.id());
        assertThat(outbox.after("acme", 0, 10)).allSatisfy(e -> assertThat(e.status()).isEqualTo(OutboxStatus.DELIVERED));
    }

    @Test
    public void deliveredThenClaimMarksTheLastRoundAndHandsOutWhatCameBehindIt() {
        OutboxEntry a1 = append("acme", "run-a", "scheduler.rescan.delta", "1");
        OutboxEntry a2 = append("acme", "run-a", "scheduler.rescan.delta", "2");
        assertThat(outbox.deliveredThenClaimInOrder(List.of(), T0, LEASE, 10, 1)).extracting(OutboxEntry::id)
                .containsExactly(a1.id());
        // a1 delivered: a2 is run-a's head now, in the same call.
        assertThat(outbox.deliveredThenClaimInOrder(List.of(a1.id()), T0, LEASE, 10, 1)).extracting(OutboxEntry::id)
                .containsExactly(a2.id());
        assertThat(outbox.deliveredThenClaimInOrder(List.of(a2.id()), T0, LEASE, 10, 1)).isEmpty();
        assertThat(outbox.after("acme", 0, 10)).allSatisfy(e -> assertThat(e.status()).isEqualTo(OutboxStatus.DELIVERED));
        assertThat(outbox.counts()).isEqualTo(new OutboxCounts(0, 0, 2, 0));
    }
}
