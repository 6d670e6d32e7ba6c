package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.verdict.scheduler.app.cli.Commands;
import io.verdict.scheduler.app.cli.UsageException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.verdict.scheduler.app.cli.Commands.command;
import static io.verdict.scheduler.app.cli.Commands.option;
import static io.verdict.scheduler.app.cli.Commands.required;
import static io.verdict.scheduler.app.cli.Commands.value;

/** {@code runs list|get|watch|preview|submit|retry|cancel|export|verify} over the scheduler API, {@code runs replay} offline. */
public final class RunCommands {
    static final String RUNS = "/api/v1/scheduler/runs";
    static final Output.View RUN_VIEW = new Output.View(List.of(
            Output.Column.of("ID", "/id"), Output.Column.of("TRIGGER", "/trigger"), Output.Column.of("STATE", "/state"),
            new Output.Column("PROGRESS", RunCommands::progress, false), Output.Column.of("DELTAS", "/stats/deltas"),
            Output.Column.of("ERROR", "/error/code"), Output.Column.of("CREATED", "/createdAt"),
            Output.Column.wide("MODE", "/mode"), Output.Column.wide("SCHEDULE", "/scheduleId"),
            Output.Column.wide("SEGMENTS", "/shardCount"), Output.Column.wide("PLAN DIGEST", "/planDigest")), "/id");
    static final Output.View PREVIEW_VIEW = new Output.View(List.of(Output.Column.of("TOTAL", "/total"),
            Output.Column.of("INDEX BUILT AT", "/indexBuiltAt"), Output.Column.of("BY NAMESPACE", "/byNamespace")), "/total");
    static final Output.View SEGMENT_VIEW = new Output.View(List.of(Output.Column.of("RUN", "/runId"),
            Output.Column.of("SEGMENT", "/index"), Output.Column.of("STATE", "/state"), Output.Column.of("ATTEMPT", "/attempt")), "/index");

    private RunCommands() {}

    public static CommandSpec runs(ClientContext cx) {
        CommandSpec runs = Commands.group("runs", "List, inspect, start, steer and export re-evaluation runs.");
        runs.addSubcommand("list", list(cx));
        runs.addSubcommand("get", get(cx));
        runs.addSubcommand("watch", RunWatch.command(cx));
        runs.addSubcommand("preview", preview(cx));
        runs.addSubcommand("submit", submit(cx));
        runs.addSubcommand("retry", retry(cx));
        runs.addSubcommand("cancel", cancel(cx));
        runs.addSubcommand("export", export(cx));
        runs.addSubcommand("verify", EvidenceCommands.verify(cx));
        runs.addSubcommand("replay", ReplayCommand.command(cx));
        return runs;
    }

    private static CommandSpec list(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("list", "List runs of the tenant, newest first.", p -> {
            Map<String, String> q = new LinkedHashMap<>();
            for (String f : List.of("state", "trigger", "scheduleId", "cursor", "limit")) q.put(f, value(p, "--" + f, null));
            cx.output(p).print(cx.client(p).get(RUNS + ApiClient.query(q)), RUN_VIEW);
            return 0;
        }));
        c.addOption(option("--state", "STATE", "planning|queued|running|completed|cancelled|error"));
        c.addOption(option("--trigger", "TRIGGER", "cron|manual|concelier|excititor|policy|content-refresh"));
        c.addOption(option("--scheduleId", "ID", "runs of one schedule"));
        c.addOption(option("--cursor", "CURSOR", "next page (printed after a page)"));
        c.addOption(option("--limit", "N", "page size"));
        return c;
    }

    private static CommandSpec get(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("get", "Show one run.", p -> {
            cx.output(p).print(cx.client(p).get(RUNS + "/" + ApiClient.segment(runId(p))), RUN_VIEW);
            return 0;
        }));
        c.addOption(option("--run", "ID", "the run ID (or as the first argument)"));
        c.addPositional(optionalPositional());
        return c;
    }

    private static CommandSpec preview(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("preview", "Which images a request would touch; creates nothing.", p -> {
            JsonNode body = readJson(value(p, "--file", null), "--file");
            cx.output(p).print(cx.client(p).post("/api/v1/scheduler/preview", body), PREVIEW_VIEW);
            return 0;
        }));
        c.addOption(required("--file", "FILE", "JSON body: {\"purls\":[...]} or {\"vulnerabilityIds\":[...]}, optional selector, usageOnly"));
        return c;
    }

    private static CommandSpec submit(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("submit", "Start a manual run from a request file (what the console's offline form writes).", p -> {
            JsonNode body = readJson(value(p, "--bundle", null), "--bundle");
            String reason = value(p, "--reason", null);
            if (reason != null && body instanceof ObjectNode o) o.put("reason", reason);
            String dataDir = value(p, "--data-dir", null);
            if (dataDir != null) {
                if (p.hasMatchedOption("--url")) throw new UsageException("--data-dir and --url exclude each other");
                return LocalSubmit.run(cx, cx.output(p), body, dataDir, value(p, "--tenant", null),
                        String.valueOf(intValue(value(p, "--workers", "2"), "--workers")),
                        java.time.Duration.ofSeconds(intValue(value(p, "--timeout", "600"), "--timeout")));
            }
            cx.output(p).print(cx.client(p).post(RUNS, body), RUN_VIEW);
            return 0;
        }));
        c.addOption(option("--data-dir", "DIR", "local mode: run it on this data directory's embedded store, no server needed (needs --tenant)"));
        c.addOption(option("--workers", "N", "local mode: workers executing the run (2)"));
        c.addOption(option("--timeout", "SECONDS", "local mode: how long to wait for the run to end (600)"));
        c.addOption(required("--bundle", "FILE", "manual-run request JSON: {\"selector\":{...}} or {\"scheduleId\":...}, mode, reason"));
        c.addOption(option("--reason", "TEXT", "override the request's reason"));
        return c;
    }

    private static CommandSpec retry(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("retry", "Retry a terminal run (new run, retryOf) or one segment of a running run.", p -> {
            String run = ApiClient.segment(runId(p));
            String segment = value(p, "--segment", null);
            ApiClient api = cx.client(p);
            if (segment != null) {
                int index = intValue(segment, "--segment");
                cx.output(p).print(api.post(RUNS + "/" + run + "/segments/" + index + "/retry", (JsonNode) null), SEGMENT_VIEW);
            } else {
                ObjectNode body = ApiClient.JSON.createObjectNode();
                String scope = value(p, "--scope", null);
                if (scope != null) body.put("scope", scope);
                cx.output(p).print(api.post(RUNS + "/" + run + "/retry", body), RUN_VIEW);
            }
            return 0;
        }));
        c.addOption(option("--run", "ID", "the run ID (or as the first argument)"));
        c.addOption(option("--segment", "N", "retry only this segment (run still in progress)"));
        c.addOption(option("--scope", "SCOPE", "failed (default: only failed targets) or all"));
        c.addPositional(optionalPositional());
        return c;
    }

    private static CommandSpec cancel(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("cancel", "Cancel a run: queued segments never execute.", p -> {
            cx.output(p).print(cx.client(p).post(RUNS + "/" + ApiClient.segment(runId(p)) + "/cancel", (JsonNode) null), RUN_VIEW);
            return 0;
        }));
        c.addOption(option("--run", "ID", "the run ID (or as the first argument)"));
        c.addPositional(optionalPositional());
        return c;
    }

    private static CommandSpec export(ClientContext cx) {
        CommandSpec c = cx.withGlobals(command("export", "Download a finished run's signed evidence bundle (tar.gz).", p -> {
            Path target = Path.of(value(p, "--bundle", null));
            long n = cx.client(p).download("/console/runs/" + ApiClient.segment(runId(p)) + "/evidence/bundle", target);
            cx.err().println("wrote " + target + " (" + n + " bytes); check it offline with: runs verify --bundle " + target
                    + " --public-key <data-dir>/evidence-ed25519.pub");
            return 0;
        }));
        c.addOption(option("--run", "ID", "the run ID (or as the first argument)"));
        c.addOption(required("--bundle", "FILE", "where to write the bundle"));
        c.addPositional(optionalPositional());
        return c;
    }

    static picocli.CommandLine.Model.PositionalParamSpec optionalPositional() {
        return picocli.CommandLine.Model.PositionalParamSpec.builder().paramLabel("RUN").type(String.class).arity("0..1")
                .description("the run ID").build();
    }

    static String runId(ParseResult p) {
        String opt = value(p, "--run", null);
        String pos = Commands.positionalValue(p, 0);
        if (opt != null && pos != null && !opt.equals(pos)) throw new UsageException("--run and the RUN argument differ");
        String id = opt != null ? opt : pos;
        if (id == null || id.isBlank()) throw new UsageException("--run ID is required");
        return id;
    }

    static int intValue(String v, String flag) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a non-negative integer (got '" + v + "')");
        }
    }

    static JsonNode readJson(String file, String flag) {
        try {
            JsonNode n = ApiClient.JSON.readTree(Files.readString(Path.of(file)));
            if (n == null || !n.isObject()) throw new UsageException(flag + ": " + file + " must hold a JSON object");
            return n;
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot read " + file + " as JSON (" + e.getMessage() + ")");
        }
    }

    static String progress(JsonNode run) {
        JsonNode s = run.path("stats");
        int total = s.path("deduped").asInt(0);
        int done = s.path("completed").asInt(0) + s.path("failed").asInt(0);
        if (total == 0) return "0/0";
        return done + "/" + total + " (" + Math.round(100.0 * done / total) + "%)";
    }
}
