package io.verdict.scheduler.lifecycle;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.evidence.Dsse;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.inmemory.InMemoryNotifier;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SignedCompletionEventTest {
    @Test
    @SuppressWarnings("unchecked")
    void completionEventCarriesADsseSignatureOverItsPayload() throws Exception {
        KeyPair keys = Ed25519Keys.generate();
        InMemoryNotifier notifier = new InMemoryNotifier();
        Scheduler s = Scheduler.builder().seed(3).notifier(notifier).evidenceSigner(Ed25519Keys.signer(keys)).build();
        TestEstate.images("acme", 12).forEach(s::indexImage);
        s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:deb/debian/openssl@3.0.11-1"), null));
        var w = s.newWorker("w");
        while (w.runOnce()) { }

        EventEnvelope done = notifier.published().stream().filter(e -> e.kind().equals("scheduler.run.completed"))
                .findFirst().orElseThrow();
        Map<String, Object> dsse = (Map<String, Object>) done.payload().get("dsse");
        assertThat(dsse.get("payloadType")).isEqualTo(RunLifecycle.COMPLETION_PAYLOAD_TYPE);
        assertThat(Dsse.verify(dsse, keys.getPublic())).isTrue();
        assertThat(Dsse.verify(dsse, Ed25519Keys.generate().getPublic())).isFalse();
        Map<String, Object> unsigned = new LinkedHashMap<>(done.payload());
        unsigned.remove("dsse");
        assertThat(Base64.getDecoder().decode((String) dsse.get("payload"))).isEqualTo(CanonicalJson.bytes(unsigned));
    }
}
