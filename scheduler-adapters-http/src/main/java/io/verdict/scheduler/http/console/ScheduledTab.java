package io.verdict.scheduler.http.console;

import io.javalin.http.Context;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.console.ConsoleJson.ScheduledRow;
import io.verdict.scheduler.http.console.ConsoleJson.ScheduledRows;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleService;
import io.verdict.scheduler.schedules.UpcomingFire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code GET /console/runs?tab=scheduled}: what is going to run, not what ran — the next fire of every enabled
 * schedule, soonest first, from {@link ScheduleService#upcoming}. {@code from}/{@code to} bound the fire times
 * (default: from now), {@code scheduleId} narrows to one schedule, {@code limit}/{@code cursor} paginate. The run
 * filters ({@code trigger}, {@code state}, {@code severity}, ...) describe runs that exist and are refused here.
 */
final class ScheduledTab {
    static final String TAB = "scheduled";
    private static final List<String> RUN_ONLY = List.of("trigger", "state", "severity", "policyRevision",
            "errorCode", "shard");

    private ScheduledTab() {}

    static ScheduledRows list(Context ctx, RequestContext rc, Api api) {
        for (String f : RUN_ONLY) {
            if (!ctx.queryParams(f).isEmpty()) {
                throw ValidationException.of(f, "filters runs; the scheduled tab lists upcoming fires (use scheduleId, "
                        + "from, to)");
            }
        }
        String scheduleId = Params.single(ctx, "scheduleId");
        if (scheduleId != null && !scheduleId.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw ValidationException.of("scheduleId", "malformed ID");
        }
        Instant from = Params.instantQuery(ctx, "from");
        Instant to = Params.instantQuery(ctx, "to");
        if (from != null && to != null && !from.isBefore(to)) throw ValidationException.of("to", "must be after from");
        int limit = Math.min(api.pageSize(ctx), ScheduleService.MAX_UPCOMING - 1);
        String[] after = decode(Params.cursor(ctx));
        List<UpcomingFire> page = api.scheduler().schedules().upcoming(rc.tenantId(), from, to, scheduleId,
                after == null ? null : Instant.parse(after[0]), after == null ? null : after[1], limit + 1);
        List<ScheduledRow> rows = new ArrayList<>();
        for (UpcomingFire u : page.subList(0, Math.min(limit, page.size()))) rows.add(row(u));
        String next = page.size() > limit ? encode(page.get(limit - 1)) : null;
        return new ScheduledRows(rows, next, TAB);
    }

    static ScheduledRow row(UpcomingFire u) {
        Schedule s = u.schedule();
        String local = u.at().atZone(java.time.ZoneId.of(s.timezone())).toOffsetDateTime().toString();
        return new ScheduledRow(s.id(), s.name(), u.at(), local, s.cronExpression(), s.timezone(), s.mode().wire(),
                summary(s.selection() == null ? Selector.allImages(s.tenantId()) : s.selection()));
    }

    /** {@code all-images}, {@code by-namespace: payments, billing}, ... plus tag filters; long lists are cut. */
    static String summary(Selector sel) {
        String what = switch (sel.scope()) {
            case ALL_IMAGES -> "";
            case BY_NAMESPACE -> ": " + list(sel.namespaces());
            case BY_REPOSITORY -> ": " + list(sel.repositories());
            case BY_DIGEST -> ": " + sel.digests().size() + " digest" + (sel.digests().size() == 1 ? "" : "s");
            case BY_LABELS -> ": " + list(sel.labels().stream()
                    .map(l -> l.key() + (l.values().isEmpty() ? "" : "=" + String.join("|", l.values()))).toList());
        };
        String tags = sel.includeTags().isEmpty() ? "" : "; tags " + list(sel.includeTags());
        return sel.scope().wire() + what + tags;
    }

    private static String list(List<String> values) {
        int shown = Math.min(3, values.size());
        String head = String.join(", ", values.subList(0, shown));
        return values.size() > shown ? head + " (+" + (values.size() - shown) + " more)" : head;
    }

    private static String encode(UpcomingFire u) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((u.at() + "|" + u.schedule().id()).getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor) {
        if (cursor == null) return null;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            Instant.parse(parts[0]);
            if (parts.length != 2 || parts[1].isEmpty()) throw new IllegalArgumentException();
            return parts;
        } catch (RuntimeException e) {
            throw ValidationException.of("cursor", "malformed cursor");
        }
    }
}
