package io.verdict.scheduler.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.util.concurrent.Callable;

/**
 * Builds picocli commands through its programmatic model (no annotation scanning): a name, a description, the
 * action to run with the parse result, options and positionals. Every command gets {@code --help} and
 * {@code --version}.
 */
public final class Commands {
    public static final String VERSION = "verdict-scheduler " + version();

    private Commands() {}

    /** What a command does once its arguments parsed; returns the exit code. */
    @FunctionalInterface
    public interface Action {
        int run(ParseResult parsed) throws Exception;
    }

    public static CommandSpec command(String name, String description, Action action) {
        CommandSpec[] self = new CommandSpec[1];
        Callable<Integer> call = () -> action.run(self[0].commandLine().getParseResult());
        CommandSpec spec = action == null ? CommandSpec.create() : CommandSpec.wrapWithoutInspection(call);
        self[0] = spec;
        spec.name(name);
        spec.usageMessage().description(description);
        spec.mixinStandardHelpOptions(true);
        spec.version(VERSION);
        return spec;
    }

    /** A group of subcommands that does nothing itself but print its usage. */
    public static CommandSpec group(String name, String description) {
        CommandSpec[] self = new CommandSpec[1];
        CommandSpec spec = command(name, description, parsed -> {
            self[0].commandLine().usage(self[0].commandLine().getOut());
            return CommandLine.ExitCode.USAGE;
        });
        self[0] = spec;
        return spec;
    }

    public static OptionSpec option(String name, String label, String description) {
        return OptionSpec.builder(name).paramLabel(label).type(String.class).description(description).build();
    }

    public static OptionSpec required(String name, String label, String description) {
        return OptionSpec.builder(name).paramLabel(label).type(String.class).required(true).description(description).build();
    }

    public static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).arity("0").type(boolean.class).description(description).build();
    }

    public static PositionalParamSpec positional(String label, String description) {
        return PositionalParamSpec.builder().paramLabel(label).type(String.class).arity("1").description(description).build();
    }

    public static String value(ParseResult parsed, String option, String dflt) {
        return parsed.hasMatchedOption(option) ? parsed.matchedOptionValue(option, dflt) : dflt;
    }

    public static boolean flagSet(ParseResult parsed, String option) {
        return parsed.hasMatchedOption(option) && Boolean.TRUE.equals(parsed.matchedOptionValue(option, false));
    }

    public static String positionalValue(ParseResult parsed, int index) {
        return parsed.matchedPositional(index) == null ? null : parsed.matchedPositional(index).getValue();
    }

    private static String version() {
        String v = Commands.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
