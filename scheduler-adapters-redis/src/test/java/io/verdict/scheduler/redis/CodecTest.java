package io.verdict.scheduler.redis;

import io.verdict.scheduler.events.codec.RunEventCodec;

import io.verdict.scheduler.canonical.CanonicalJson;
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
}
