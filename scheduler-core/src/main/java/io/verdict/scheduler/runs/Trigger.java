package io.verdict.scheduler.runs;

import java.util.Arrays;
import java.util.Optional;

/** Why a run exists. Older upstream names (feedser, vexer) are accepted on input. */
public enum Trigger {
    CRON("cron"),
    MANUAL("manual"),
    CONCELIER("concelier"),
    EXCITITOR("excititor"),
    POLICY("policy"),
    CONTENT_REFRESH("content-refresh");

    private final String wire;

    Trigger(String wire) {
        this.wire = wire;
    }

    public String wire() { return wire; }

    public static Optional<Trigger> fromWire(String value) {
        if ("feedser".equals(value)) return Optional.of(CONCELIER);
        if ("vexer".equals(value)) return Optional.of(EXCITITOR);
        return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
    }
}
