package io.verdict.scheduler.app.cli;

import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.app.runtime.DataDirectory;
import io.verdict.scheduler.jdbc.JdbcDatabase;
import io.verdict.scheduler.jdbc.JdbcSnapshot;
import io.verdict.scheduler.jdbc.JdbcStorage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code snapshot export|import}: the offline kit. Works directly on a data directory's embedded store (the SQLite
 * file, which must not be open in a running {@code serve}) — no server, no network — so a snapshot taken on a
 * connected site can be carried to an air-gapped one and imported into a new data directory.
 */
final class SnapshotCommands {
    private SnapshotCommands() {}

    static CommandSpec snapshot(PrintStream out) {
        CommandSpec g = Commands.group("snapshot", "Export a data directory's state to a deterministic file, or import one into a new data directory.");
        g.addSubcommand("export", export(out));
        g.addSubcommand("import", importCommand(out));
        return g;
    }

    private static CommandSpec export(PrintStream out) {
        CommandSpec c = Commands.command("export", "Write schedules, runs (segments, deltas, events), images, verdicts and intake cursors of the data directory to FILE (canonical JSON lines, sorted, with a SHA-256).",
                p -> {
                    Path dir = dataDir(p);
                    Path store = dir.resolve(AppConfig.EMBEDDED_FILE);
                    if (!Files.exists(store)) throw new UsageException("--data-dir: " + dir + " has no embedded store (" + store.getFileName() + ")");
                    Path file = Path.of(Commands.value(p, "--file", null));
                    try (JdbcDatabase db = open(store); JdbcStorage jdbc = new JdbcStorage(db, Clock.systemUTC())) {
                        JdbcSnapshot.Summary s = JdbcSnapshot.export(db, jdbc.schemaVersion(), file);
                        out.println("exported " + s.rows() + " rows " + s.rowsPerTable() + " to " + file + " sha256:" + s.sha256());
                    }
                    return 0;
                });
        options(c);
        return c;
    }

    private static CommandSpec importCommand(PrintStream out) {
        CommandSpec c = Commands.command("import", "Load a snapshot FILE into the data directory's embedded store, which must be new or empty.",
                p -> {
                    Path dir = dataDir(p);
                    Path file = Path.of(Commands.value(p, "--file", null));
                    if (!Files.isReadable(file)) throw new UsageException("--file: cannot read " + file);
                    DataDirectory.prepare(dir);
                    try (JdbcDatabase db = open(dir.resolve(AppConfig.EMBEDDED_FILE));
                         JdbcStorage jdbc = new JdbcStorage(db, Clock.systemUTC())) {
                        JdbcSnapshot.Summary s;
                        try {
                            s = JdbcSnapshot.importInto(db, jdbc.schemaVersion(), file);
                        } catch (IllegalArgumentException e) {
                            throw new UsageException("--file: " + e.getMessage());
                        }
                        out.println("imported " + s.rows() + " rows " + s.rowsPerTable() + " into " + dir + " sha256:" + s.sha256());
                    }
                    DataDirectory.restrict(dir);
                    return 0;
                });
        options(c);
        return c;
    }

    private static void options(CommandSpec c) {
        c.addOption(Commands.required("--data-dir", "DIR", "the data directory (its embedded store; serve must not be running on it)"));
        c.addOption(Commands.required("--file", "FILE", "the snapshot file (JSON lines)"));
    }

    private static Path dataDir(ParseResult p) {
        return Path.of(Commands.value(p, "--data-dir", null));
    }

    private static JdbcDatabase open(Path store) {
        try {
            return JdbcDatabase.sqlite(store);
        } catch (IllegalStateException e) {
            throw new UsageException("--data-dir: " + e.getMessage() + "; stop serve first");
        }
    }
}
