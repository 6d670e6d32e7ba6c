package io.verdict.scheduler.redis;

import io.verdict.scheduler.events.codec.JsonFields;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.SegmentRef;

import java.util.HashMap;
import java.util.Map;

/**
 * The queue payload: a {@link SegmentRef} as canonical JSON ({@code index}, {@code runId}, {@code scheduleId}?,
 * {@code tenantId}). Written and read once per message on the hot path, so the common case — IDs of printable ASCII
 * without quotes or backslashes — is built and parsed directly; anything else goes through {@link CanonicalJson} and
 * {@link JsonFields}. Both paths give the same bytes ({@code CodecTest}).
 */
final class SegmentRefCodec {
    private SegmentRefCodec() {}

    static String write(SegmentRef ref) {
        String schedule = ref.scheduleId();
        if (plain(ref.runId()) && plain(ref.tenantId()) && (schedule == null || plain(schedule))) {
            StringBuilder sb = new StringBuilder(48 + ref.runId().length() + ref.tenantId().length()
                    + (schedule == null ? 0 : schedule.length()));
            sb.append("{\"index\":").append(ref.index()).append(",\"runId\":\"").append(ref.runId()).append('"');
            if (schedule != null) sb.append(",\"scheduleId\":\"").append(schedule).append('"');
            return sb.append(",\"tenantId\":\"").append(ref.tenantId()).append("\"}").toString();
        }
        return canonical(ref);
    }

    static String canonical(SegmentRef ref) {
        Map<String, Object> m = new HashMap<>();
        m.put("tenantId", ref.tenantId());
        m.put("runId", ref.runId());
        m.put("index", ref.index());
        m.put("scheduleId", ref.scheduleId());
        return CanonicalJson.write(m);
    }

    static SegmentRef read(String json) {
        SegmentRef fast = readPlain(json);
        if (fast != null) return fast;
        JsonFields f = JsonFields.parse(json, "segment payload");
        return new SegmentRef(f.string("tenantId"), f.string("runId"), f.integer("index"), f.optString("scheduleId"));
    }

    /** Parses exactly what the plain branch of {@link #write} produces; null for anything else. */
    private static SegmentRef readPlain(String s) {
        final String index = "{\"index\":", run = ",\"runId\":\"", schedule = ",\"scheduleId\":\"",
                tenant = ",\"tenantId\":\"";
        if (!s.startsWith(index) || !s.endsWith("\"}") || s.indexOf('\\') >= 0) return null;
        int p = index.length();
        int digitsEnd = p;
        if (digitsEnd < s.length() && s.charAt(digitsEnd) == '-') digitsEnd++;
        while (digitsEnd < s.length() && Character.isDigit(s.charAt(digitsEnd)) && s.charAt(digitsEnd) < 128) digitsEnd++;
        if (digitsEnd == p || digitsEnd - p > 10) return null;
        int idx;
        try {
            idx = Integer.parseInt(s, p, digitsEnd, 10);
        } catch (NumberFormatException e) {
            return null;
        }
        if (!s.startsWith(run, digitsEnd)) return null;
        int runStart = digitsEnd + run.length();
        int runEnd = s.indexOf('"', runStart);
        if (runEnd < 0) return null;
        String scheduleId = null;
        int next = runEnd + 1;
        if (s.startsWith(schedule, next)) {
            int start = next + schedule.length();
            int end = s.indexOf('"', start);
            if (end < 0) return null;
            scheduleId = s.substring(start, end);
            next = end + 1;
        }
        if (!s.startsWith(tenant, next)) return null;
        int tenantStart = next + tenant.length();
        int tenantEnd = s.length() - 2;
        if (tenantEnd < tenantStart || s.indexOf('"', tenantStart) != tenantEnd) return null;
        String runId = s.substring(runStart, runEnd), tenantId = s.substring(tenantStart, tenantEnd);
        if (!plain(runId) || !plain(tenantId) || (scheduleId != null && !plain(scheduleId))) return null;
        return new SegmentRef(tenantId, runId, idx, scheduleId);
    }

    /** Printable ASCII other than quote and backslash: canonical JSON writes it as is. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
        }
        return true;
    }
}
