package io.verdict.scheduler.app.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The embedded data directory holds the store, the development signing key and the evidence key: readable by
 * this user only. The directory is 0700 and the files in it 0600 (Java cannot set a umask, so files the embedded
 * store creates are tightened right after it opened them). On a file system without POSIX permissions nothing
 * is changed.
 */
public final class DataDirectory {
    private DataDirectory() {}

    /** Creates the directory (0700) or tightens an existing one to 0700. */
    public static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
            if (posix()) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
    }

    /** Sets every regular file under the directory to 0600 and every directory to 0700. */
    public static void restrict(Path dir) {
        if (!posix() || !Files.isDirectory(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) continue;
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict permissions under " + dir, e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
