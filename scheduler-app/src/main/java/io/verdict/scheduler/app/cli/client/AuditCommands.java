package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.app.cli.Commands;
import io.verdict.scheduler.app.cli.UsageException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.verdict.scheduler.app.cli.Commands.command;
import static io.verdict.scheduler.app.cli.Commands.flag;
import static io.verdict.scheduler.app.cli.Commands.option;
import static io.verdict.scheduler.app.cli.Commands.value;

/**
 * {@code audit list}: the tenant's audit records over {@code GET /api/v1/scheduler/audit} (token scope
 * {@code scheduler.admin}), newest first. Flags are checked before any request and a filter the server refuses is
 * reported the same way — exit 2 naming the flag — so a script can tell a typo from a failed call (exit 1).
 */
public final class AuditCommands {
    static final String AUDIT = "/api/v1/scheduler/audit";
    static final int MAX_LIMIT = 500;
    static final Output.View AUDIT_VIEW = new Output.View(List.of(Output.Column.of("OCCURRED", "/occurredAt"),
            Output.Column.of("ACTOR", "/actor"), Output.Column.of("ACTION", "/action"), Output.Column.of("TARGET", "/target"),
            Output.Column.wide("CORRELATION", "/correlationId"), Output.Column.wide("METADATA", "/metadata")), "/target");
    private static final List<String> FILTERS = List.of("actor", "action", "target", "from", "to", "limit", "cursor");

    private AuditCommands() {}

    public static CommandSpec audit(ClientContext cx) {
        CommandSpec a = Commands.group("audit", "The audit log: who did what to which target, when (scope scheduler.admin).");
        CommandSpec list = cx.withGlobals(command("list", "List audit records of the tenant, newest first.", p -> {
            String query = ApiClient.query(validated(p));
            JsonNode page;
            try {
                page = cx.client(p).get(AUDIT + query);
            } catch (ApiException e) {
                throw asUsage(e);
            }
            Output out = Commands.flagSet(p, "--json")
                    ? new Output(Output.Format.JSON, cx.out()) : cx.output(p);
            out.print(page, AUDIT_VIEW);
            return 0;
        }));
        list.addOption(option("--actor", "ACTOR", "only this actor (token subject), exact"));
        list.addOption(option("--action", "ACTION", "only this action, exact (e.g. run.cancel, schedule.update)"));
        list.addOption(option("--target", "TARGET", "only this target, exact (a run, schedule or image ID)"));
        list.addOption(option("--from", "INSTANT", "occurred at or after (ISO-8601, e.g. 2026-12-01T00:00:00Z)"));
        list.addOption(option("--to", "INSTANT", "occurred before (ISO-8601)"));
        list.addOption(option("--limit", "N", "page size, 1.." + MAX_LIMIT + " (default 50)"));
        list.addOption(option("--cursor", "CURSOR", "next page (printed after a page)"));
        list.addOption(flag("--json", "print the API's JSON page (same as -o json)"));
        a.addSubcommand("list", list);
        return a;
    }

    /** The query, every flag checked: a bad one is a usage error naming it. */
    static Map<String, String> validated(ParseResult p) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String f : FILTERS) q.put(f, value(p, "--" + f, null));
        for (String f : List.of("actor", "action", "target")) {
            String v = q.get(f);
            if (v != null && (v.isBlank() || v.length() > 256)) throw new UsageException("--" + f + ": must be 1 to 256 characters");
        }
        Instant from = instant(q.get("from"), "--from");
        Instant to = instant(q.get("to"), "--to");
        if (from != null && to != null && !from.isBefore(to)) throw new UsageException("--to: must be after --from");
        if (q.get("limit") != null) {
            try {
                int n = Integer.parseInt(q.get("limit").trim());
                if (n < 1 || n > MAX_LIMIT) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new UsageException("--limit: must be a whole number from 1 to " + MAX_LIMIT + " (got '" + q.get("limit") + "')");
            }
        }
        String cursor = q.get("cursor");
        if (cursor != null && !cursor.matches("[A-Za-z0-9_-]{1,512}")) {
            throw new UsageException("--cursor: not a cursor printed by an earlier page");
        }
        return q;
    }

    private static Instant instant(String v, String flag) {
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new UsageException(flag + ": must be an ISO-8601 UTC instant like 2026-12-01T00:00:00Z (got '" + v + "')");
        }
    }

    /** A 400 naming one of our flags' fields is the caller's mistake: exit 2 naming the flag; anything else stays a failure. */
    private static RuntimeException asUsage(ApiException e) {
        if (e.status() != 400) return e;
        for (String f : FILTERS) {
            String marker = System.lineSeparator() + "  " + f + ": ";
            int at = e.getMessage().indexOf(marker);
            if (at >= 0) {
                String rest = e.getMessage().substring(at + marker.length()).lines().findFirst().orElse("");
                return new UsageException("--" + f + ": " + rest);
            }
        }
        return e;
    }
}
