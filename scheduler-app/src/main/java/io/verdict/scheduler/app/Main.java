package io.verdict.scheduler.app;

import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.app.cli.Cli;

import java.io.PrintStream;

/** Command-line entry point of the deployable jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "serve" : args[0];
        try {
            io.verdict.scheduler.app.cli.LogFormat.choose(command, System.getenv());
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        return Cli.execute(args, out, err, System.getenv());
    }
}
