package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.http.json.JsonCodec;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoded SSE frame of each recent event, built once and shared by every client watching the run: with a
 * thousand subscribers, serialising the JSON per client would cost more than writing it.
 */
final class FrameCache {
    private static final int MAX_ENTRIES = 8192;
    private final JsonCodec json;
    private final ConcurrentHashMap<String, byte[]> frames = new ConcurrentHashMap<>();

    FrameCache(JsonCodec json) {
        this.json = json;
    }

    byte[] frame(RunEventRecord r) {
        String key = r.runId() + '#' + r.seq();
        byte[] f = frames.get(key);
        if (f != null) return f;
        f = encode(r);
        // Bounded by dropping everything when full: entries are only a speed-up, any miss re-encodes.
        if (frames.size() >= MAX_ENTRIES) frames.clear();
        frames.putIfAbsent(key, f);
        return f;
    }

    private byte[] encode(RunEventRecord r) {
        return ("id: " + r.seq() + "\nevent: " + r.event().kind() + "\ndata: " + json.writeString(EventJson.data(r))
                + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
