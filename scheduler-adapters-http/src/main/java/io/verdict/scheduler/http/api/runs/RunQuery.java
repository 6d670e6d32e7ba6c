package io.verdict.scheduler.http.api.runs;

import io.javalin.http.Context;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Run listing filters from the query string ({@code trigger}, {@code state}, {@code scheduleId}, {@code from},
 * {@code to}, {@code errorCode}, {@code policyRevision}), always confined to the caller's tenant.
 */
public final class RunQuery {
    private RunQuery() {}

    public static RunFilter filter(Context ctx, String tenant, Set<RunState> tabStates, Set<Trigger> tabTriggers) {
        Set<Trigger> triggers = EnumSet.noneOf(Trigger.class);
        for (String t : Params.list(ctx, "trigger")) {
            triggers.add(Trigger.fromWire(t).orElseThrow(() -> ValidationException.of("trigger",
                    "unknown trigger '" + clip(t) + "' (cron, manual, concelier, excititor, policy, content-refresh)")));
        }
        Set<RunState> states = EnumSet.noneOf(RunState.class);
        for (String s : Params.list(ctx, "state")) states.add(state(s));
        if (tabStates != null) {
            // A tab narrows the explicit filter; a filter outside the tab selects nothing rather than widening it.
            if (states.isEmpty()) states.addAll(tabStates); else states.retainAll(tabStates);
            if (states.isEmpty()) states.add(RunState.PLANNING);
        }
        if (tabTriggers != null) {
            if (triggers.isEmpty()) triggers.addAll(tabTriggers); else triggers.retainAll(tabTriggers);
        }
        String scheduleId = Params.single(ctx, "scheduleId");
        if (scheduleId != null && !scheduleId.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw ValidationException.of("scheduleId", "malformed ID");
        }
        Instant from = Params.instantQuery(ctx, "from");
        Instant to = Params.instantQuery(ctx, "to");
        if (from != null && to != null && !from.isBefore(to)) throw ValidationException.of("to", "must be after from");
        ErrorCode code = null;
        String ec = Params.single(ctx, "errorCode");
        if (ec != null) {
            try {
                code = ErrorCode.valueOf(ec);
            } catch (IllegalArgumentException e) {
                throw ValidationException.of("errorCode", "unknown error code");
            }
        }
        String rev = Params.single(ctx, "policyRevision");
        return new RunFilter(Set.of(tenant), triggers, states, scheduleId, from, to, code, rev);
    }

    static RunState state(String s) {
        for (RunState r : RunState.values()) if (r.wire().equals(s)) return r;
        throw ValidationException.of("state", "unknown state '" + clip(s) + "' (planning, queued, running, completed, cancelled, error)");
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
