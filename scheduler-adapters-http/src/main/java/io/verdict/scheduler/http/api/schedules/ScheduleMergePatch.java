package io.verdict.scheduler.http.api.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleBody;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleView;
import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.schedules.Schedule;

import java.util.Iterator;
import java.util.Map;

/**
 * PATCH of a schedule as a JSON Merge Patch (RFC 7396) over the schedule's writable document (the fields of a create
 * body): a member set to {@code null} is removed (and so falls back to its create default, or is reported when it is
 * required), an object is merged member by member at any depth, anything else — arrays included — replaces the
 * stored value. {@code version} is not part of the document: when present it makes the update conditional.
 */
public final class ScheduleMergePatch {
    private final JsonCodec json;

    public ScheduleMergePatch(JsonCodec json) {
        this.json = json;
    }

    /** The parsed patch: the merged document and the optional expected version. */
    public record Patched(ScheduleBody merged, Long expectedVersion) {}

    public Patched apply(Schedule current, byte[] patchBody) {
        JsonNode patch = json.read(patchBody, JsonNode.class);
        if (!patch.isObject()) {
            throw ValidationException.of("body", "a merge patch of a schedule must be a JSON object");
        }
        ObjectNode members = ((ObjectNode) patch).deepCopy();
        JsonNode version = members.remove("version");
        Long expected = null;
        if (version != null && !version.isNull()) {
            if (!version.canConvertToLong() || !version.isIntegralNumber()) {
                throw ValidationException.of("version", "must be an integer");
            }
            expected = version.asLong();
        }
        JsonNode merged = merge(document(current), members);
        return new Patched(json.read(json.write(merged), ScheduleBody.class), expected);
    }

    /** The stored schedule as a create body (no nulls: RFC 7396 targets never hold them). */
    ObjectNode document(Schedule s) {
        ScheduleView v = ScheduleView.of(s);
        ScheduleBody body = new ScheduleBody(v.name(), v.enabled(), v.cronExpression(), v.timezone(), v.mode(),
                v.selection(), v.onlyIf(), v.notifications(), v.limits(), v.dstPolicy(), null);
        return (ObjectNode) json.mapper().valueToTree(body);
    }

    /** RFC 7396 §2 MergePatch(Target, Patch). */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) return patch;
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : ((ObjectNode) patch).objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
