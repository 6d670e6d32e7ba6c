package io.verdict.scheduler.app.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.BiPredicate;

/**
 * Remembers, in the data directory, which demo estate was last seeded completely (estate seed, baseline seed,
 * image count, generator version), so a restart over a store that already holds it skips regenerating ~3.5 M
 * purls only to find every image unchanged. The file alone is not trusted: {@link #holds} also asks the store
 * (through the index just loaded from it) for every demo digest, so a wiped or swapped store is seeded again.
 */
public final class DemoMarker {
    /** Bump when {@link DemoEstate} generates different images for the same seed and count. */
    static final int GENERATOR = 1;
    public static final String FILE = "demo-estate";

    private final Path file;
    private final String content;

    public DemoMarker(Path dataDir, long estateSeed, long baselineSeed, int images) {
        this.file = dataDir.resolve(FILE);
        this.content = "demo estate generator " + GENERATOR + ", estate seed " + estateSeed + ", baseline seed "
                + baselineSeed + ", images " + images + "\n";
    }

    /** The marker file names this estate (the store is not asked: a hint that a restart has nothing to seed). */
    public boolean recorded() {
        try {
            return Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True when the marker names this estate and {@code indexed(tenant, digest)} holds for every one of its
     * {@code images} digests.
     */
    public boolean holds(DemoEstate estate, int images, BiPredicate<String, String> indexed) {
        try {
            if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(content)) return false;
        } catch (IOException e) {
            return false;
        }
        for (int i = 0; i < images; i++) {
            if (!indexed.test(DemoEstate.tenantOf(i), estate.digest(i))) return false;
        }
        return true;
    }

    /** Written only after the estate was committed; replaced atomically so a crash never leaves half a marker. */
    public void record() {
        try {
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            // Like every file in the data directory: this user only.
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Forgets the marker (before re-seeding: a crash mid-seed must not leave a marker of the old estate). */
    public void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
