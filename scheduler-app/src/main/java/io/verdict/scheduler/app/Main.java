package io.verdict.scheduler.app;

import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.app.demo.DemoCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Command-line entry point of the deployable jar. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: java -jar scheduler-app.jar <command> [options]

            commands:
              demo      build a synthetic estate, ingest an advisory and run the impacted re-evaluation live
                        --seed N (42) --images N (10000) --workers N (4) --segment-size N (100)
                        --latency-ms N (8) --unavailable-rate R (0.02) --timeout-rate R (0.0005) --tenant T (demo)
                        --data-dir D (./data; the demo's SQLite store demo.db there is emptied first)
              serve     (default) start the HTTP control plane: --port N (8080, 0 = any) --demo --data-dir D (./data)
                        --role api|worker|all (all) --workers N (4) --config FILE; store: embedded SQLite
                        (D/scheduler.db) unless SCHEDULER_POSTGRES_URL or SCHEDULER_MONGO_URI; environment:
                        SCHEDULER_REDIS_URI, SCHEDULER_ROLE, SCHEDULER_WORKERS, SCHEDULER_LEASE_SECONDS, ... (README)
              token     print a dev token for the embedded service: --tenant T --scope a,b,c --ttl SECONDS (3600)
              verify    check an evidence bundle offline: --bundle FILE --public-key FILE (data/evidence-ed25519.pub)
              help      this text
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "serve" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        try {
            return switch (command) {
                case "demo" -> DemoCommand.run(rest, out);
                case "serve" -> io.verdict.scheduler.app.serve.ServeCommand.run(rest, out, System.getenv());
                case "token" -> io.verdict.scheduler.app.serve.TokenCommand.run(rest, out, System.getenv());
                case "verify" -> io.verdict.scheduler.app.evidence.VerifyCommand.run(rest, out);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + command + "' (try: help)");
            };
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 130;
        }
    }
}
