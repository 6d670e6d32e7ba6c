package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.ValidationException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Position in a newest-first run listing: the (createdAt, id) of the last row served. Opaque to clients
 * (base64url), shared by every store adapter so cursors survive a backend switch.
 */
public record RunCursor(Instant createdAt, String id) {
    public static RunCursor of(Run last) {
        return new RunCursor(last.createdAt(), last.id());
    }

    public String encode() {
        String raw = createdAt.toEpochMilli() + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static RunCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            if (bar <= 0) throw new IllegalArgumentException("no separator");
            return new RunCursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, bar))), raw.substring(bar + 1));
        } catch (IllegalArgumentException e) {
            throw ValidationException.of("cursor", "malformed cursor");
        }
    }

    /** True when {@code r} comes after this position in newest-first order. */
    public boolean isBefore(Run r) {
        int c = r.createdAt().compareTo(createdAt);
        return c < 0 || (c == 0 && r.id().compareTo(id) < 0);
    }
}
