package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.app.serve.ServeCommand;
import io.verdict.scheduler.app.serve.TokenCommand;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code runs submit --bundle FILE --data-dir D}: runs a manual-run request on a site without a running server.
 * It starts the embedded service on the data directory for the duration of the command — bound to loopback on a
 * free port, with a token minted from the directory's own key — so the request passes the very same validation,
 * tenancy and planning as through the API, executes to the end, and the command exits with the run's outcome
 * (0 completed, 1 otherwise). The data directory must not be in use by a running {@code serve}.
 */
final class LocalSubmit {
    private static final Set<String> TERMINAL = Set.of("completed", "cancelled", "error");

    private LocalSubmit() {}

    static int run(ClientContext cx, Output output, JsonNode body, String dataDir, String tenant, String workers,
                   Duration timeout) throws InterruptedException {
        if (tenant == null) throw new UsageException("--tenant is required with --data-dir (the tenant the run is for)");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ServeCommand.Running svc;
        try {
            svc = ServeCommand.start(List.of("--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir,
                    "--workers", workers), quiet, cx.env());
        } catch (IllegalStateException e) {
            throw new UsageException("--data-dir: " + e.getMessage());
        }
        try (svc) {
            ByteArrayOutputStream token = new ByteArrayOutputStream();
            TokenCommand.run(List.of("--tenant", tenant, "--data-dir", dataDir, "--ttl", "3600",
                    "--subject", "local-submit"), new PrintStream(token, true, StandardCharsets.UTF_8), quiet, cx.env());
            ApiClient client = ApiClient.from("http://127.0.0.1:" + svc.port(),
                    token.toString(StandardCharsets.UTF_8).trim(), null, null, cx.env());
            String id = client.post(RunCommands.RUNS, body).get("id").asText();
            long deadline = System.nanoTime() + timeout.toNanos();
            JsonNode run = client.get(RunCommands.RUNS + "/" + ApiClient.segment(id));
            while (!TERMINAL.contains(run.get("state").asText()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                run = client.get(RunCommands.RUNS + "/" + ApiClient.segment(id));
            }
            output.print(run, RunCommands.RUN_VIEW);
            if (!TERMINAL.contains(run.get("state").asText())) {
                cx.err().println("error: run " + id + " is still " + run.get("state").asText() + " after " + timeout.toSeconds()
                        + " s; it resumes when serve next starts on " + dataDir);
                return 1;
            }
            return run.get("state").asText().equals("completed") ? 0 : 1;
        }
    }
}
