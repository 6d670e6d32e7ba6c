package io.verdict.scheduler.redis;

import io.verdict.scheduler.events.codec.RunEventCodec;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.SegmentRef;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecTest {
    @Test
    void aPayloadWithAMissingFieldNamesTheField() {
        assertThatThrownBy(() -> SegmentRefCodec.read("{\"index\":1,\"tenantId\":\"t1\"}"))
                .hasMessageContaining("runId");
        assertThatThrownBy(() -> RunEventCodec.read("{\"kind\":\"teleported\"}")).hasMessageContaining("teleported");
    }

    @Test
    void theFastPayloadPathWritesTheCanonicalBytesAndReadsEveryPayloadBack() {
        List<SegmentRef> refs = List.of(new SegmentRef("t1", "run-a", 3, "sched-1"), new SegmentRef("t1", "run-a", 0, null),
                new SegmentRef("acme", "01JQ-RUN", Integer.MAX_VALUE, ""), new SegmentRef("t", "r", -7, null),
                new SegmentRef("t\"q", "run\\x", 1, "s\n"), new SegmentRef("tenant-é", "run,\"runId\":\"x", 2, null),
                new SegmentRef("t1", "run-a\u0001", 5, "sched \"1\""), new SegmentRef("", "", 0, null));
        for (SegmentRef ref : refs) {
            String json = SegmentRefCodec.write(ref);
            assertThat(json).as("canonical bytes of %s", ref).isEqualTo(SegmentRefCodec.canonical(ref));
            assertThat(SegmentRefCodec.read(json)).isEqualTo(ref);
        }
        assertThat(SegmentRefCodec.read("{\"tenantId\":\"t1\",\"runId\":\"r\",\"index\":4}"))
                .as("another key order (not ours) still parses").isEqualTo(new SegmentRef("t1", "r", 4, null));
    }
}
