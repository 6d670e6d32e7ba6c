package io.verdict.scheduler.app.cli;

import io.verdict.scheduler.app.demo.DemoCommand;
import io.verdict.scheduler.app.evidence.VerifyCommand;
import io.verdict.scheduler.app.serve.ServeCommand;
import io.verdict.scheduler.app.serve.TokenCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service's own commands — {@code serve}, {@code demo}, {@code token}, {@code verify} — declared to picocli
 * from the option sets those commands already validate, so help, completion and unknown-flag errors cover them
 * while their behaviour stays where it is.
 */
final class LegacyCommands {
    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("port", "HTTP port (8080; 0 = any free port)"),
            Map.entry("host", "address to bind (127.0.0.1 with the development key, else 0.0.0.0)"),
            Map.entry("data-dir", "state, keys and the embedded store (./data; env SCHEDULER_DATA_DIR)"),
            Map.entry("workers", "worker threads in this process"),
            Map.entry("role", "api | worker | all"),
            Map.entry("config", "properties file with the same keys as the environment"),
            Map.entry("demo", "load the demo estate and schedules"),
            Map.entry("demo-images", "images in the demo estate (2000)"),
            Map.entry("seed", "seed of run IDs and the simulated scanner (42)"),
            Map.entry("images", "images in the synthetic estate (10000)"),
            Map.entry("segment-size", "targets per segment (100)"),
            Map.entry("latency-ms", "simulated scanner latency per image (8)"),
            Map.entry("unavailable-rate", "share of simulated 503 answers (0.02)"),
            Map.entry("timeout-rate", "share of simulated timeouts (0.0005)"),
            Map.entry("tenant", "tenant(s) the token acts for, comma-separated"),
            Map.entry("scope", "scopes, comma-separated"),
            Map.entry("ttl", "token lifetime in seconds (3600)"),
            Map.entry("subject", "token subject (the actor in audit records)"),
            Map.entry("init", "create the development key when the data dir has none"),
            Map.entry("bundle", "the evidence bundle (tar.gz)"),
            Map.entry("public-key", "the signer's public key"));

    private LegacyCommands() {}

    interface Runner {
        int run(List<String> argv) throws Exception;
    }

    static CommandSpec serve(PrintStream out, Map<String, String> env) {
        return wrap("serve", "Start the HTTP control plane, planner, cron and workers (the default command).",
                ServeCommand.OPTIONS, ServeCommand.FLAGS, argv -> ServeCommand.run(argv, out, env));
    }

    static CommandSpec demo(PrintStream out) {
        return wrap("demo", "Build a synthetic estate, ingest an advisory and run the impacted re-evaluation live.",
                DemoCommand.OPTIONS, Set.of(), argv -> DemoCommand.run(argv, out));
    }

    static CommandSpec token(PrintStream out, PrintStream err, Map<String, String> env) {
        return wrap("token", "Print a development token signed with the embedded service's key.",
                TokenCommand.OPTIONS, TokenCommand.FLAGS, argv -> TokenCommand.run(argv, out, err, env));
    }

    static CommandSpec verify(PrintStream out) {
        return wrap("verify", "Check an evidence bundle offline; exit 0 valid, 1 invalid.",
                Set.of("bundle", "public-key"), Set.of(), argv -> VerifyCommand.run(argv, out));
    }

    private static CommandSpec wrap(String name, String description, Set<String> options, Set<String> flags, Runner runner) {
        CommandSpec spec = Commands.command(name, description, p -> runner.run(argv(p, options, flags)));
        for (String o : new TreeSet<>(options)) {
            spec.addOption(OptionSpec.builder("--" + o).paramLabel(label(o)).type(String.class)
                    .description(HELP.getOrDefault(o, "")).build());
        }
        for (String f : new TreeSet<>(flags)) {
            spec.addOption(OptionSpec.builder("--" + f).arity("0").type(boolean.class).description(HELP.getOrDefault(f, "")).build());
        }
        return spec;
    }

    private static List<String> argv(ParseResult p, Set<String> options, Set<String> flags) {
        List<String> argv = new ArrayList<>();
        for (String o : new TreeSet<>(options)) {
            if (p.hasMatchedOption("--" + o)) {
                argv.add("--" + o);
                argv.add(p.matchedOptionValue("--" + o, ""));
            }
        }
        for (String f : new TreeSet<>(flags)) if (Commands.flagSet(p, "--" + f)) argv.add("--" + f);
        return argv;
    }

    private static String label(String option) {
        return option.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
