package io.verdict.scheduler.app.cli;

import io.verdict.scheduler.app.cli.client.ApiException;
import io.verdict.scheduler.app.cli.client.ClientContext;
import io.verdict.scheduler.app.cli.client.ImageEventCommands;
import io.verdict.scheduler.app.cli.client.RunCommands;
import io.verdict.scheduler.app.cli.client.ScheduleCommands;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The command line: the service's own commands ({@code serve} — the default —, {@code demo}, {@code token},
 * {@code verify}), the API client commands ({@code runs}, {@code schedules}, {@code images}, {@code events}) and
 * {@code completion}. Exit codes: 0 ok, 1 failure, 2 usage (the message names the flag).
 */
public final class Cli {
    public static final String NAME = "scheduler";

    private Cli() {}

    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        CommandLine cl = commandLine(out, err, env);
        String[] argv = args.length == 0 ? new String[] {"serve"} : args;
        return cl.execute(argv);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
        ClientContext cx = new ClientContext(out, err, env, System.console() != null && out == System.out);
        CommandSpec root = Commands.group(NAME, "Keeps vulnerability verdicts current: java -jar scheduler-app.jar <command>.");
        root.addSubcommand("serve", LegacyCommands.serve(out, env));
        root.addSubcommand("demo", LegacyCommands.demo(out));
        root.addSubcommand("token", LegacyCommands.token(out, err, env));
        root.addSubcommand("verify", LegacyCommands.verify(out));
        root.addSubcommand("runs", RunCommands.runs(cx));
        root.addSubcommand("schedules", ScheduleCommands.schedules(cx));
        root.addSubcommand("images", ImageEventCommands.images(cx));
        root.addSubcommand("events", ImageEventCommands.events(cx));
        root.addSubcommand("audit", io.verdict.scheduler.app.cli.client.AuditCommands.audit(cx));
        root.addSubcommand("snapshot", SnapshotCommands.snapshot(out));
        CommandLine cl = new CommandLine(root);
        root.addSubcommand("completion", completion(cl, out));
        root.addSubcommand("help", help(cl, out));
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            Throwable t = e;
            if (t instanceof java.io.UncheckedIOException && t.getCause() != null) t = t.getCause();
            if (t instanceof UsageException u) {
                line.getErr().println("error: " + u.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                line.getErr().println("error: interrupted");
                return 130;
            }
            line.getErr().println("error: " + (t instanceof ApiException ? t.getMessage() : describe(t)));
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl;
    }

    private static CommandSpec completion(CommandLine root, PrintStream out) {
        CommandSpec c = Commands.command("completion", "Print a shell completion script: source <(java -jar scheduler-app.jar completion bash).", p -> {
            String shell = Commands.positionalValue(p, 0);
            if (!shell.equals("bash") && !shell.equals("zsh")) throw new UsageException("completion: SHELL must be bash or zsh (got '" + shell + "')");
            // picocli's script serves both: zsh loads it through bashcompinit, which the script enables itself.
            out.print(AutoComplete.bash(NAME, root));
            return 0;
        });
        c.addPositional(PositionalParamSpec.builder().paramLabel("SHELL").type(String.class).arity("1").description("bash or zsh").build());
        return c;
    }

    private static CommandSpec help(CommandLine root, PrintStream out) {
        CommandSpec c = Commands.command("help", "Show the commands, or one command's options.", p -> {
            CommandLine target = root;
            String[] names = p.matchedPositional(0) == null ? new String[0] : p.matchedPositional(0).getValue();
            for (String name : names) {
                CommandLine sub = target.getSubcommands().get(name);
                if (sub == null) throw new UsageException("help: unknown command '" + name + "'");
                target = sub;
            }
            target.usage(out);
            return 0;
        });
        c.addPositional(PositionalParamSpec.builder().paramLabel("COMMAND").type(String[].class).arity("0..*")
                .description("e.g. runs watch").build());
        return c;
    }

    /** A usage error names the command and the flag, then points at that command's --help. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        String command = line.getCommandSpec().qualifiedName(" ").replaceFirst("^" + NAME + " ?", "");
        String message;
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            message = arg.startsWith("-") ? (command.isEmpty() ? "" : command + ": ") + "unknown option " + arg
                    : command.isEmpty() ? "unknown command '" + arg + "' (try: help)"
                    : command + ": unexpected argument '" + arg + "'";
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) message += "; did you mean " + String.join(" or ", suggestions) + "?";
        } else {
            message = (command.isEmpty() ? "" : command + ": ") + e.getMessage();
        }
        line.getErr().println("error: " + message);
        line.getErr().println("see: java -jar scheduler-app.jar " + (command.isEmpty() ? "" : command + " ") + "--help");
        return CommandLine.ExitCode.USAGE;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
