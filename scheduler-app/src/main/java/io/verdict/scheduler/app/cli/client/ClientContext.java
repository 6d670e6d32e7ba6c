package io.verdict.scheduler.app.cli.client;

import io.verdict.scheduler.app.cli.Commands;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.util.Map;

/**
 * What every client command shares: where its output goes, the environment, whether stdout is a terminal, and the
 * global options {@code --url --token --token-file --tenant -o}.
 */
public record ClientContext(PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {

    /** Adds the global options to a client command. */
    public CommandSpec withGlobals(CommandSpec spec) {
        spec.addOption(Commands.option("--url", "URL", "scheduler API base URL (env SCHEDULER_URL; default http://localhost:8080)"));
        spec.addOption(Commands.option("--token", "TOKEN", "bearer token (env SCHEDULER_TOKEN)"));
        spec.addOption(Commands.option("--token-file", "FILE", "read the bearer token from FILE"));
        spec.addOption(Commands.option("--tenant", "TENANT", "tenant to act for (cross-tenant admin tokens)"));
        spec.addOption(OptionSpec.builder("-o", "--output").paramLabel("FORMAT").type(String.class)
                .description("table|wide|json|jsonl|name (table on a terminal, json otherwise)").build());
        return spec;
    }

    public ApiClient client(ParseResult p) {
        return ApiClient.from(Commands.value(p, "--url", null), Commands.value(p, "--token", null),
                Commands.value(p, "--token-file", null), Commands.value(p, "--tenant", null), env);
    }

    public Output output(ParseResult p) {
        return new Output(Output.parse(Commands.value(p, "--output", null), terminal), out);
    }
}
