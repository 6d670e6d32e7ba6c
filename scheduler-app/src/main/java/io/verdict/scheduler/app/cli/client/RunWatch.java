package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.verdict.scheduler.app.cli.Commands;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code runs watch RUN}: follows the run's SSE stream until the run ends. On a terminal, one live progress line
 * (processed/total, targets per minute, ETA, deltas); otherwise JSON Lines, one event per line. A dropped stream
 * is resumed with {@code Last-Event-ID} after a growing pause, so no event is missed or repeated. The exit code is
 * the run's outcome: 0 completed, 1 error or cancelled.
 */
public final class RunWatch {
    private static final Set<String> TERMINAL = Set.of("completed", "cancelled", "error");
    private static final int MAX_RECONNECTS = 50;

    private final ClientContext cx;
    private final ApiClient api;
    private final boolean live;
    private final long startedNanos = System.nanoTime();
    private int processed;
    private int total;
    private int deltas;
    private String lastEventId;
    private String finalState;
    private String errorCode;

    private RunWatch(ClientContext cx, ApiClient api, boolean live) {
        this.cx = cx;
        this.api = api;
        this.live = live;
    }

    static CommandSpec command(ClientContext cx) {
        CommandSpec c = cx.withGlobals(Commands.command("watch", "Follow a run live until it ends; exit code = outcome.", p -> {
            Output.Format f = cx.output(p).format();
            boolean live = f == Output.Format.TABLE || f == Output.Format.WIDE;
            return new RunWatch(cx, cx.client(p), live).follow(RunCommands.runId(p));
        }));
        c.addOption(Commands.option("--run", "ID", "the run ID (or as the first argument)"));
        c.addPositional(RunCommands.optionalPositional());
        return c;
    }

    int follow(String runId) throws InterruptedException {
        String path = "/console/runs/" + ApiClient.segment(runId) + "/stream";
        JsonNode run = api.get(RunCommands.RUNS + "/" + ApiClient.segment(runId));
        total = run.path("stats").path("deduped").asInt(0);
        if (TERMINAL.contains(run.path("state").asText())) {
            // Already over: print its state once instead of waiting on a stream that only replays.
            finalState = run.path("state").asText();
            errorCode = run.path("error").path("code").asText(null);
            if (!live) {
                // Scripts reading jsonl get the outcome line they would have seen live (a run can end before
                // watch starts).
                ObjectNode data = ApiClient.JSON.createObjectNode().put("state", finalState);
                if (errorCode != null) data.put("errorCode", errorCode);
                ObjectNode line = ApiClient.JSON.createObjectNode().put("event", "stateChanged");
                line.set("data", data);
                cx.out().println(line.toString());
            }
        }
        Duration pause = Duration.ofMillis(200);
        for (int attempt = 0; finalState == null && attempt <= MAX_RECONNECTS; attempt++) {
            try {
                HttpResponse<Stream<String>> r = api.stream(path, lastEventId);
                try (Stream<String> lines = r.body()) {
                    read(lines.iterator());
                }
                pause = Duration.ofMillis(200);
            } catch (ApiException e) {
                if (e.status() >= 400 && e.status() < 500) throw e; // unknown run, no access: retrying cannot help
                cx.err().println((live ? "\n" : "") + "stream interrupted (" + e.getMessage() + "); reconnecting");
            } catch (java.io.UncheckedIOException e) {
                cx.err().println((live ? "\n" : "") + "stream interrupted; reconnecting from event " + lastEventId);
            }
            if (finalState == null) {
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : pause.multipliedBy(2);
            }
        }
        if (finalState == null) {
            cx.err().println("gave up following " + runId + " after " + MAX_RECONNECTS + " reconnects");
            return 1;
        }
        if (live) {
            cx.out().println();
            cx.out().println(runId + " " + finalState + (errorCode == null ? "" : " " + errorCode) + "  processed "
                    + processed + "/" + total + ", deltas " + deltas);
        }
        return finalState.equals("completed") ? 0 : 1;
    }

    private void read(Iterator<String> lines) {
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    handle(id, event, data.toString());
                    if (finalState != null) return;
                }
                id = null;
                event = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) data.append('\n');
                data.append(line.substring(5).strip());
            }
        }
    }

    private void handle(String id, String event, String data) {
        if (id != null) lastEventId = id;
        JsonNode d = ApiClient.parse(data);
        if (d == null) return;
        switch (event == null ? "" : event) {
            case "segmentProgress" -> {
                processed = Math.max(processed, d.path("runProcessed").asInt(processed));
                total = d.path("runTotal").asInt(total);
            }
            case "deltaSummary" -> deltas++;
            case "stateChanged" -> {
                String state = d.path("state").asText();
                if (TERMINAL.contains(state)) {
                    finalState = state;
                    errorCode = d.path("errorCode").asText(null);
                    if (state.equals("completed")) processed = total;
                }
            }
            default -> { }
        }
        if (live) {
            progressLine(cx.out());
        } else {
            ObjectNode line = ApiClient.JSON.createObjectNode();
            if (id != null) line.put("id", id);
            line.put("event", event);
            line.set("data", d);
            cx.out().println(line.toString());
        }
    }

    private void progressLine(PrintStream out) {
        double minutes = Math.max(1e-6, (System.nanoTime() - startedNanos) / 60e9);
        double perMinute = processed / minutes;
        String eta = perMinute <= 0 || total <= processed ? "-" : formatSeconds((total - processed) / perMinute * 60);
        int width = 30;
        int filled = total == 0 ? width : Math.min(width, (int) ((long) width * processed / total));
        out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + processed + "/" + total
                + "  " + Math.round(perMinute) + " targets/min  ETA " + eta + "  deltas " + deltas + "   ");
        out.flush();
    }

    private static String formatSeconds(double s) {
        long n = Math.round(s);
        return n >= 3600 ? (n / 3600) + "h" + (n % 3600 / 60) + "m" : n >= 60 ? (n / 60) + "m" + (n % 60) + "s" : n + "s";
    }
}
