package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.app.cli.Commands;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.verdict.scheduler.app.cli.Commands.command;
import static io.verdict.scheduler.app.cli.Commands.option;
import static io.verdict.scheduler.app.cli.Commands.required;
import static io.verdict.scheduler.app.cli.Commands.value;

/** {@code schedules list|get|create|update|pause|resume|next|decisions|delete} over the scheduler API. */
public final class ScheduleCommands {
    static final String SCHEDULES = "/api/v1/scheduler/schedules";
    static final Output.View SCHEDULE_VIEW = new Output.View(List.of(Output.Column.of("ID", "/id"),
            Output.Column.of("NAME", "/name"), Output.Column.of("ENABLED", "/enabled"), Output.Column.of("CRON", "/cronExpression"),
            Output.Column.of("TIMEZONE", "/timezone"), Output.Column.wide("MODE", "/mode"), Output.Column.wide("VERSION", "/version"),
            Output.Column.wide("UPDATED", "/updatedAt")), "/id");
    static final Output.View STATE_VIEW = new Output.View(List.of(Output.Column.of("ID", "/schedule/id"),
            Output.Column.of("ENABLED", "/schedule/enabled"), Output.Column.of("EARLIEST NEXT RUN", "/earliestNextRun")), "/schedule/id");
    static final Output.View NEXT_VIEW = new Output.View(List.of(Output.Column.of("AT (UTC)", "/at"),
            Output.Column.of("LOCAL", "/local")), "/at");
    static final Output.View DECISION_VIEW = new Output.View(List.of(Output.Column.of("TICK", "/tickAt"),
            Output.Column.of("DECISION", "/decision"), Output.Column.of("REASON", "/reason"), Output.Column.of("RUN", "/runId")), "/tickAt");

    private ScheduleCommands() {}

    public static CommandSpec schedules(ClientContext cx) {
        CommandSpec s = Commands.group("schedules", "Cron schedules: list, create, change, pause, resume, inspect fires.");
        s.addSubcommand("list", cx.withGlobals(command("list", "List the tenant's schedules.", p -> {
            cx.output(p).print(cx.client(p).get(SCHEDULES), SCHEDULE_VIEW);
            return 0;
        })));
        s.addSubcommand("get", byId(cx, "get", "Show one schedule.", (api, id, p) -> api.get(path(id)), SCHEDULE_VIEW));
        CommandSpec create = cx.withGlobals(command("create", "Create a schedule from a JSON file (SPEC §3 Schedule fields).", p -> {
            cx.output(p).print(cx.client(p).post(SCHEDULES, RunCommands.readJson(value(p, "--file", null), "--file")), SCHEDULE_VIEW);
            return 0;
        }));
        create.addOption(required("--file", "FILE", "schedule JSON: name, cronExpression, timezone, selection, ..."));
        s.addSubcommand("create", create);
        CommandSpec update = byId(cx, "update", "Change a schedule with a JSON Merge Patch file (null removes a field).",
                (api, id, p) -> api.patch(path(id), RunCommands.readJson(value(p, "--file", null), "--file")), SCHEDULE_VIEW);
        update.addOption(required("--file", "FILE", "merge patch JSON, e.g. {\"limits\":{\"ratePerSecond\":5}}"));
        s.addSubcommand("update", update);
        s.addSubcommand("pause", byId(cx, "pause", "Pause a schedule (no fires until resumed).",
                (api, id, p) -> api.post(path(id) + "/pause", (JsonNode) null), STATE_VIEW));
        s.addSubcommand("resume", byId(cx, "resume", "Resume a schedule; prints its earliest next run.",
                (api, id, p) -> api.post(path(id) + "/resume", (JsonNode) null), STATE_VIEW));
        CommandSpec next = byId(cx, "next", "The next fire times.", (api, id, p) -> {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("count", value(p, "--count", null));
            q.put("from", value(p, "--from", null));
            return api.get(path(id) + "/next" + ApiClient.query(q));
        }, NEXT_VIEW);
        next.addOption(option("--count", "N", "how many fire times (default 5)"));
        next.addOption(option("--from", "INSTANT", "start from this instant (ISO-8601, e.g. 2026-12-24T00:00:00Z)"));
        s.addSubcommand("next", next);
        CommandSpec decisions = byId(cx, "decisions", "Tick decisions: fired, skipped (and why), missed.", (api, id, p) -> {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("limit", value(p, "--limit", null));
            q.put("before", value(p, "--before", null));
            return api.get(path(id) + "/decisions" + ApiClient.query(q));
        }, DECISION_VIEW);
        decisions.addOption(option("--limit", "N", "how many (default 50)"));
        decisions.addOption(option("--before", "INSTANT", "only decisions before this instant"));
        s.addSubcommand("decisions", decisions);
        s.addSubcommand("delete", cx.withGlobals(idCommand(command("delete", "Delete a schedule (soft delete, audited).", p -> {
            cx.client(p).delete(path(scheduleId(p)));
            cx.err().println("deleted " + scheduleId(p));
            return 0;
        }))));
        return s;
    }

    interface Call {
        JsonNode call(ApiClient api, String id, ParseResult p);
    }

    private static CommandSpec byId(ClientContext cx, String name, String description, Call call, Output.View view) {
        return cx.withGlobals(idCommand(command(name, description, p -> {
            cx.output(p).print(call.call(cx.client(p), scheduleId(p), p), view);
            return 0;
        })));
    }

    private static CommandSpec idCommand(CommandSpec c) {
        c.addPositional(PositionalParamSpec.builder().paramLabel("SCHEDULE").type(String.class).arity("1")
                .description("the schedule ID").build());
        return c;
    }

    private static String scheduleId(ParseResult p) {
        return Commands.positionalValue(p, 0);
    }

    private static String path(String id) {
        return SCHEDULES + "/" + ApiClient.segment(id);
    }
}
