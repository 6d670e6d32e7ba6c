package io.verdict.scheduler.app.evidence;

import io.verdict.scheduler.evidence.Ed25519Keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

/**
 * The Ed25519 key that signs evidence bundles: {@code evidence-ed25519.key} (PKCS#8, owner-only) and
 * {@code evidence-ed25519.pub} (X.509, share it with whoever verifies bundles offline) in the data directory,
 * created on first start. Every instance of a deployment must share the same key files.
 */
public final class EvidenceKeyFile {
    public static final String PRIVATE = "evidence-ed25519.key";
    public static final String PUBLIC = "evidence-ed25519.pub";

    private EvidenceKeyFile() {}

    public static KeyPair loadOrCreate(Path dir) throws IOException {
        Path priv = dir.resolve(PRIVATE);
        Path pub = dir.resolve(PUBLIC);
        if (Files.exists(priv) && Files.exists(pub)) {
            return new KeyPair(Ed25519Keys.decodePublic(Files.readString(pub)), Ed25519Keys.decodePrivate(Files.readString(priv)));
        }
        Files.createDirectories(dir);
        KeyPair pair = Ed25519Keys.generate();
        Path tmp = Files.createTempFile(dir, "evidence", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on non-POSIX file systems
        }
        Files.writeString(tmp, Ed25519Keys.encodePrivate(pair.getPrivate()) + "\n");
        Files.move(tmp, priv, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(pub, Ed25519Keys.encodePublic(pair.getPublic()) + "\n");
        return pair;
    }
}
