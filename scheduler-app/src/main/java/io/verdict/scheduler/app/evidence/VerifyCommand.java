package io.verdict.scheduler.app.evidence;

import io.verdict.scheduler.app.cli.Args;
import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.evidence.EvidenceVerifier;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code verify --bundle F --public-key P}: checks an evidence bundle offline; exit 0 valid, 1 invalid. */
public final class VerifyCommand {
    private VerifyCommand() {}

    public static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse("verify", argv, Set.of("bundle", "public-key"), Set.of());
        String bundle = a.string("bundle", null);
        String key = a.string("public-key", null);
        if (bundle == null || key == null) throw new UsageException("verify: --bundle FILE and --public-key FILE are required");
        byte[] bytes;
        String keyText;
        try {
            bytes = Files.readAllBytes(Path.of(bundle));
            keyText = Files.readString(Path.of(key));
        } catch (IOException e) {
            throw new UsageException("verify: cannot read " + e.getMessage());
        }
        EvidenceVerifier.Result r;
        try {
            r = EvidenceVerifier.verify(bytes, Ed25519Keys.decodePublic(keyText));
        } catch (IllegalArgumentException e) {
            throw new UsageException("verify: " + e.getMessage());
        }
        if (r.valid()) {
            out.println("OK " + bundle + ": every file matches the manifest and the attestation signature verifies");
            return 0;
        }
        r.problems().forEach(p -> out.println("INVALID " + p));
        return 1;
    }
}
