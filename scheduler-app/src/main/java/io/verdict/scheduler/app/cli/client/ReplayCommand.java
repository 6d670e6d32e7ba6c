package io.verdict.scheduler.app.cli.client;

import io.verdict.scheduler.app.cli.Commands;
import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.evidence.EvidenceVerifier;
import io.verdict.scheduler.planning.Replay;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code runs replay --bundle FILE}: re-plans a run from its evidence bundle alone (no server, no index) with the
 * core's {@link Replay} and prints both plan digests; exit 0 when reproduced, 1 when not. With
 * {@code --public-key} the bundle's signature and file digests are checked too, so one command proves both
 * that the bundle is the signed one and that its inputs give its plan.
 */
final class ReplayCommand {
    static final Output.View VIEW = new Output.View(List.of(Output.Column.of("RUN", "/runId"),
            Output.Column.of("REPRODUCED", "/reproduced"), Output.Column.of("TARGETS", "/targets"),
            Output.Column.of("SEGMENTS", "/segments"), Output.Column.of("RECORDED PLAN DIGEST", "/recordedPlanDigest"),
            Output.Column.of("REPLAYED PLAN DIGEST", "/replayedPlanDigest"),
            Output.Column.wide("SIGNATURE", "/signature")), "/replayedPlanDigest");

    private ReplayCommand() {}

    static CommandSpec command(ClientContext cx) {
        CommandSpec c = Commands.command("replay",
                "Re-plan a run offline from its evidence bundle and compare the plan digest with the recorded one.",
                p -> run(cx, p));
        c.addOption(Commands.required("--bundle", "FILE", "the evidence bundle (tar.gz from runs export)"));
        c.addOption(Commands.option("--public-key", "FILE", "also verify the signature and file digests with this key"));
        c.addOption(picocli.CommandLine.Model.OptionSpec.builder("-o", "--output").paramLabel("FORMAT").type(String.class)
                .description("table|wide|json|jsonl|name (table on a terminal, json otherwise)").build());
        return c;
    }

    private static int run(ClientContext cx, ParseResult p) {
        Output output = cx.output(p);
        String file = Commands.value(p, "--bundle", null);
        byte[] bundle = read(file, "--bundle");
        Replay.Result r = Replay.bundle(bundle);
        Map<String, Object> answer = new LinkedHashMap<>(r.asMap());
        List<String> problems = new ArrayList<>(r.problems());
        boolean ok = r.reproduced();
        String key = Commands.value(p, "--public-key", null);
        if (key != null) {
            EvidenceVerifier.Result v;
            try {
                v = EvidenceVerifier.verify(bundle, Ed25519Keys.decodePublic(new String(read(key, "--public-key"))));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--public-key: " + e.getMessage());
            }
            answer.put("signature", v.valid() ? "valid" : "invalid");
            problems.addAll(v.problems());
            ok &= v.valid();
        }
        answer.put("problems", problems);
        output.print(ApiClient.JSON.valueToTree(answer), VIEW);
        if (output.format() == Output.Format.TABLE || output.format() == Output.Format.WIDE) {
            problems.forEach(pr -> cx.out().println("problem: " + pr));
        }
        return ok ? 0 : 1;
    }

    private static byte[] read(String file, String flag) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }
}
