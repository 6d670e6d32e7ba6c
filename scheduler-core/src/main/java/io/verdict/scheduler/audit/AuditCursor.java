package io.verdict.scheduler.audit;

import io.verdict.scheduler.errors.ValidationException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Position in a newest-first audit listing: the {@code occurredAt} (epoch milliseconds, the stores' precision) of the
 * last record served and the store's own append position for that record ({@code seq} in SQL, the ObjectId in
 * MongoDB, the list index in memory), which breaks ties between records of the same millisecond. Opaque to clients
 * (base64url); only the adapter that issued it reads {@code position}.
 */
public record AuditCursor(long occurredMs, String position) {
    public AuditCursor {
        if (position == null || position.isEmpty() || position.length() > 64) {
            throw ValidationException.of("cursor", "malformed cursor");
        }
    }

    public String encode() {
        String raw = "a1|" + occurredMs + "|" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Null for null; a {@link ValidationException} on {@code cursor} for anything this class did not encode. */
    public static AuditCursor decode(String cursor) {
        if (cursor == null) return null;
        try {
            if (cursor.length() > 128) throw new IllegalArgumentException("too long");
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", -1);
            if (parts.length != 3 || !parts[0].equals("a1")) throw new IllegalArgumentException("not an audit cursor");
            return new AuditCursor(Long.parseLong(parts[1]), parts[2]);
        } catch (IllegalArgumentException e) {
            throw ValidationException.of("cursor", "malformed cursor");
        }
    }

    /** The cursor's tie-breaker as a number, for adapters whose position is a counter. */
    public long numericPosition() {
        try {
            long p = Long.parseLong(position);
            if (p < 0) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw ValidationException.of("cursor", "malformed cursor");
        }
    }
}
