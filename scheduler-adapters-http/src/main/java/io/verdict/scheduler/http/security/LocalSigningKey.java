package io.verdict.scheduler.http.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;

/**
 * The embedded default's ES256 signing key, kept in the data directory so the {@code token} command and the
 * running service agree. Generated on first use with owner-only permissions; never leaves the machine.
 */
public final class LocalSigningKey {
    public static final String ISSUER = "verdict-scheduler-local";
    public static final String AUDIENCE = "verdict-scheduler";
    public static final String FILE = "keys/jwt-signing-key.json";

    private LocalSigningKey() {}

    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE);
    }

    public static boolean exists(Path dataDir) {
        return Files.isRegularFile(file(dataDir));
    }

    /** Loads the key, creating it first when absent. Safe when two processes start at once: one file wins. */
    public static ECKey loadOrCreate(Path dataDir) throws IOException {
        Path f = file(dataDir);
        if (Files.isRegularFile(f)) return load(dataDir);
        Files.createDirectories(f.getParent());
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IOException("cannot generate a P-256 key: " + e.getMessage(), e);
        }
        Path tmp = Files.createTempFile(f.getParent(), "key", ".tmp");
        try {
            restrict(tmp);
            Files.writeString(tmp, key.toJSONString(), StandardCharsets.UTF_8);
            // A hard link appears atomically and fails when the name exists, so a concurrent first start never
            // replaces a key whose tokens were already handed out.
            Files.createLink(f, tmp);
        } catch (FileAlreadyExistsException raced) {
            // The other process won; use its key.
        } catch (UnsupportedOperationException | IOException noLinks) {
            if (!Files.exists(f)) Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return load(dataDir);
    }

    public static ECKey load(Path dataDir) throws IOException {
        Path f = file(dataDir);
        try {
            ECKey key = ECKey.parse(Files.readString(f, StandardCharsets.UTF_8));
            if (!key.isPrivate()) throw new IOException(f + " holds no private key");
            return key;
        } catch (ParseException e) {
            throw new IOException(f + " is not an EC JWK: " + e.getMessage(), e);
        }
    }

    public static VerificationKeys verificationKeys(ECKey key) {
        return VerificationKeys.of(new JWKSet(key.toPublicJWK()));
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // Not a POSIX file system; the data directory's own permissions apply.
        }
    }
}
