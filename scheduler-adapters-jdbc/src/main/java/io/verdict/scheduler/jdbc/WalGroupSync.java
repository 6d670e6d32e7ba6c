package io.verdict.scheduler.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Group commit for the SQLite store: a committed transaction is made durable by an fsync of the write-ahead log,
 * shared by every transaction that committed before that fsync started.
 *
 * <p>Why: an fsync costs ~3 ms on the disks this runs on. With {@code synchronous=FULL} SQLite fsyncs inside every
 * commit, while holding the only connection, so the whole process would be capped at ~300 writes/s. Instead the
 * connection runs with {@code synchronous=NORMAL} (WAL frames are written at commit, the log is synced before each
 * checkpoint and the database after it — consistent on power loss, but the last commits may be missing) and every
 * writing transaction, after releasing the connection, waits here until an fsync of the log that started after its
 * commit has finished. The first waiter does the fsync; the others that committed meanwhile ride on the next one.
 * So a store call still returns only once its write is on disk — as with FULL — but concurrent writers share fsyncs.
 */
final class WalGroupSync implements AutoCloseable {
    private final Path wal;
    private FileChannel channel;
    private long committed;
    private long durable;
    private boolean syncing;

    WalGroupSync(Path databaseFile) {
        this.wal = databaseFile.resolveSibling(databaseFile.getFileName() + "-wal");
    }

    /** Called right after a writing commit, while the connection is still held: the commit's place in line. */
    synchronized long ticket() {
        return ++committed;
    }

    /** Returns once an fsync of the log that began after commit {@code ticket} has completed. */
    void awaitDurable(long ticket) {
        if (ticket == 0) return;
        long target;
        synchronized (this) {
            while (true) {
                if (durable >= ticket) return;
                if (!syncing) {
                    syncing = true;
                    target = committed;
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the store to reach the disk", e);
                }
            }
        }
        boolean ok = false;
        try {
            force();
            ok = true;
        } finally {
            synchronized (this) {
                syncing = false;
                if (ok) durable = Math.max(durable, target);
                notifyAll();
            }
        }
    }

    private void force() {
        try {
            FileChannel c;
            synchronized (this) {
                if (channel == null) channel = FileChannel.open(wal, StandardOpenOption.READ);
                c = channel;
            }
            c.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the store's write-ahead log " + wal, e);
        }
    }

    @Override
    public synchronized void close() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read channel loses nothing
        }
        channel = null;
    }
}
