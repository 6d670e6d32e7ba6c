package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.events.EventEnvelope;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventFilterTest {
    private static EventEnvelope delta(String tenant, int critical, int high, int medium, List<String> kev) {
        return new EventEnvelope("e", "scheduler.rescan.delta", 1, tenant, Instant.EPOCH, "c", "k", Map.of("runId", "r",
                "newCriticals", critical, "newHigh", high, "newMedium", medium, "newLow", 0, "kevHits", kev));
    }

    private static EventEnvelope completed(String tenant) {
        return new EventEnvelope("e", "scheduler.run.completed", 1, tenant, Instant.EPOCH, "c", "k", Map.of("runId", "r"));
    }

    @Test
    void minimumSeverityPassesDeltasWithANewFindingAtOrAboveIt() {
        EventFilter high = new EventFilter(Set.of(), Set.of(), "HIGH", false);
        assertThat(high.matches(delta("acme", 0, 1, 0, List.of()))).isTrue();
        assertThat(high.matches(delta("acme", 1, 0, 0, List.of()))).isTrue();
        assertThat(high.matches(delta("acme", 0, 0, 5, List.of()))).isFalse();
        assertThat(new EventFilter(Set.of(), Set.of(), "medium", false).matches(delta("acme", 0, 0, 5, List.of()))).isTrue();
        assertThat(high.matches(completed("acme"))).as("run events are not findings").isTrue();
    }

    @Test
    void kevOnlyPassesDeltasWithAKevHit() {
        EventFilter kev = new EventFilter(Set.of(), Set.of(), null, true);
        assertThat(kev.matches(delta("acme", 3, 0, 0, List.of()))).isFalse();
        assertThat(kev.matches(delta("acme", 0, 0, 0, List.of("CVE-2024-1")))).isTrue();
    }

    @Test
    void kindsAndTenantsRestrictWhenGiven() {
        EventFilter f = new EventFilter(Set.of("scheduler.run.completed"), Set.of("acme"), null, false);
        assertThat(f.matches(completed("acme"))).isTrue();
        assertThat(f.matches(completed("globex"))).isFalse();
        assertThat(f.matches(delta("acme", 1, 0, 0, List.of()))).isFalse();
        assertThat(EventFilter.ALL.matches(delta("globex", 0, 0, 0, List.of()))).isTrue();
    }

    @Test
    void unknownKindOrSeverityIsRefusedByName() {
        assertThatThrownBy(() -> new EventFilter(Set.of("scheduler.run.done"), Set.of(), null, false))
                .hasMessageContaining("scheduler.run.done");
        assertThatThrownBy(() -> new EventFilter(Set.of(), Set.of(), "severe", false)).hasMessageContaining("severe");
    }
}
