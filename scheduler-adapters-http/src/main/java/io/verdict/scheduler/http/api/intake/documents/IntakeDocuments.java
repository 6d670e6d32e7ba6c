package io.verdict.scheduler.http.api.intake.documents;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import io.verdict.scheduler.http.api.intake.IntakeJson.EventBody;
import io.verdict.scheduler.http.routes.Bodies;
import io.verdict.scheduler.intake.IntakeEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which document an intake webhook received: the scheduler's own event body, or a standard document the
 * adapter translates into one — an OSV advisory on {@code /events/advisory}, an OpenVEX or CycloneDX VEX
 * document on {@code /events/vex}. The translated body then goes
 * through exactly the same validation and intake as a native one; without an event ID in the document, the ID is
 * derived from the document (id + modified), so re-sending the same document is idempotent.
 */
public final class IntakeDocuments {
    private static final ObjectMapper TREES = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private IntakeDocuments() {}

    /** The event body and what the translation wants the caller to know (ranges it ignored, …). */
    public record Read(EventBody body, List<String> warnings) {}

    public static Read event(Context ctx, Bodies bodies, IntakeEvent.Source source) {
        JsonNode root = tree(bodies.bytes(ctx));
        if (root != null && source == IntakeEvent.Source.CONCELIER && OsvAdvisories.looksLikeOsv(root)) {
            OsvAdvisories.Translation t = OsvAdvisories.translate(root);
            String eventId = derivedId("osv", String.join(",", t.ids()), t.modified());
            String exportId = String.join(",", t.ids());
            if (exportId.length() > 256) exportId = exportId.substring(0, 240) + ",+" + (t.ids().size() - 1);
            return new Read(new EventBody(eventId, null, t.purls(), t.vulnerabilityIds(), List.of(), exportId, null,
                    instant(t.modified())), t.warnings());
        }
        if (root != null && source == IntakeEvent.Source.EXCITITOR
                && (VexDocuments.looksLikeOpenVex(root) || VexDocuments.looksLikeCycloneDxVex(root))) {
            VexDocuments.Translation t = VexDocuments.looksLikeOpenVex(root) ? VexDocuments.openVex(root) : VexDocuments.cycloneDx(root);
            String eventId = derivedId(t.format().equals("openvex") ? "openvex" : "cdxvex",
                    t.id() == null ? "" : t.id(), t.modified());
            String exportId = t.id() == null ? null : t.id().length() > 256 ? t.id().substring(0, 256) : t.id();
            return new Read(new EventBody(eventId, null, t.purls(), t.vulnerabilityIds(), List.of(), exportId, null,
                    instant(t.modified())), t.warnings());
        }
        return new Read(bodies.read(ctx, EventBody.class), List.of());
    }

    /** {@code <kind>:<ids>:<modified>} when that is a valid event ID, else {@code <kind>:sha256:<hex>} of it. */
    static String derivedId(String kind, String ids, String modified) {
        String plain = kind + ":" + ids + ":" + (modified == null ? "" : modified);
        if (EVENT_ID.matcher(plain).matches()) return plain;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(plain.getBytes(StandardCharsets.UTF_8));
            return kind + ":sha256:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3339 with any offset → the UTC instant form intake expects; left as is (and rejected there) otherwise. */
    static String instant(String rfc3339) {
        if (rfc3339 == null) return null;
        try {
            return OffsetDateTime.parse(rfc3339).toInstant().toString();
        } catch (DateTimeParseException e) {
            return rfc3339;
        }
    }

    static JsonNode tree(byte[] body) {
        try {
            return body.length == 0 ? null : TREES.readTree(body);
        } catch (IOException e) {
            return null; // the strict reader of the native body reports the syntax error
        }
    }
}
