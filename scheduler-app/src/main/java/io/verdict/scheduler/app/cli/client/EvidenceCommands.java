package io.verdict.scheduler.app.cli.client;

import io.verdict.scheduler.app.cli.Commands;
import io.verdict.scheduler.app.evidence.VerifyCommand;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/** {@code runs verify}: the offline bundle check, the same as the top-level {@code verify}. */
final class EvidenceCommands {
    private EvidenceCommands() {}

    static CommandSpec verify(ClientContext cx) {
        CommandSpec c = Commands.command("verify", "Check an evidence bundle offline: every file against the manifest, the DSSE signature against the key.",
                p -> VerifyCommand.run(List.of("--bundle", Commands.value(p, "--bundle", null),
                        "--public-key", Commands.value(p, "--public-key", null)), cx.out()));
        c.addOption(Commands.required("--bundle", "FILE", "the evidence bundle (tar.gz)"));
        c.addOption(Commands.required("--public-key", "FILE", "the signer's public key (data dir: evidence-ed25519.pub)"));
        return c;
    }
}
