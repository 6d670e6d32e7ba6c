package io.verdict.scheduler.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the adapter's SQL runs, always inside a transaction that commits before the call returns — so a write a
 * store acknowledged is durable (SQLite: the write-ahead log is fsynced before the call returns; PostgreSQL:
 * its own synchronous commit). A store method is one {@link #transaction}; a call made while one is open on this thread joins it.
 *
 * <ul>
 *   <li>SQLite: one connection, guarded by a lock in this process (SQLite has one writer anyway; one connection
 *   avoids busy waits between our own threads), opened in WAL mode with {@code BEGIN IMMEDIATE} transactions and a
 *   busy timeout; a writing transaction returns once the log is fsynced ({@link WalGroupSync}: group commit). The file is created {@code 0600}; a lock file next to it keeps a second process out, which is
 *   what lets {@link JdbcStorage#recoverEmbedded} release every lock and lease at start.</li>
 *   <li>PostgreSQL: a HikariCP pool; serialization failures and deadlocks retry the transaction.</li>
 * </ul>
 */
public final class JdbcDatabase implements AutoCloseable {
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final int MAX_ATTEMPTS = 5;

    private final JdbcDialect dialect;
    private final ConnectionSource source;
    private final String description;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    /** Actions of the transaction open on this thread, run once its commit is durable. */
    private final ThreadLocal<java.util.List<Runnable>> afterCommit = new ThreadLocal<>();
    /** State a store keeps for the rest of the transaction open on this thread ({@link #transactionLocal}). */
    private final ThreadLocal<java.util.Map<Object, Object>> locals = new ThreadLocal<>();

    private JdbcDatabase(JdbcDialect dialect, ConnectionSource source, String description) {
        this.dialect = dialect;
        this.source = source;
        this.description = description;
    }

    /** Opens (creating it 0600 if absent) the SQLite file; fails if another process has it open. */
    public static JdbcDatabase sqlite(Path file) {
        Path abs = file.toAbsolutePath();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(abs.getParent());
            Path lockFile = abs.resolveSibling(abs.getFileName() + ".lock");
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("the store " + abs + " is in use by another process (lock " + lockFile + ")");
            }
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            if (!Files.exists(abs)) {
                if (posix) {
                    Files.createFile(abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(abs);
                }
            } else if (posix) {
                Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rw-------"));
            }
            if (posix) Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-------"));
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // NORMAL plus our own group fsync of the log after every writing commit (WalGroupSync): as durable as
            // FULL — a store call returns after its commit is on disk — but concurrent writers share one fsync.
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(10_000);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + abs, config.toProperties());
            c.setAutoCommit(false);
            FileChannel heldChannel = lockChannel;
            return new JdbcDatabase(JdbcDialect.SQLITE, new SingleConnection(c, heldChannel, new WalGroupSync(abs)),
                    "sqlite:" + abs);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("cannot open the SQLite store " + abs, e);
        } catch (SQLException e) {
            closeQuietly(lockChannel);
            throw new JdbcStoreException("cannot open the SQLite store " + abs, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /**
     * A pooled PostgreSQL store. {@code jdbcUrl} is a {@code jdbc:postgresql://} URL; add {@code currentSchema=…}
     * to keep the tables in a schema of their own.
     */
    public static JdbcDatabase postgres(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        if (user != null) cfg.setUsername(user);
        if (password != null) cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(Math.min(2, poolSize));
        cfg.setAutoCommit(false);
        cfg.setConnectionTimeout(5_000);
        cfg.setPoolName("scheduler-jdbc");
        // Plan every execution with its parameters. PostgreSQL otherwise switches a prepared statement to a generic
        // plan after five runs, costed on the table as it was then: planned on a young, empty table, the IN-list
        // look-ups (latestAll, findAll) keep an index condition on the first key column only and filter the rest,
        // scanning every row of the tenant — 60 ms at 20k rows, growing with the table until an ANALYZE (never,
        // with autovacuum off) replans. Planning costs ~0.2 ms; sent at connect time, outside any transaction.
        cfg.addDataSourceProperty("options", "-c plan_cache_mode=force_custom_plan");
        HikariDataSource ds = new HikariDataSource(cfg);
        return new JdbcDatabase(JdbcDialect.POSTGRESQL, new Pool(ds), "postgresql:" + redact(jdbcUrl));
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^@/]*@", "//***@");
    }

    public JdbcDialect dialect() {
        return dialect;
    }

    /** True when a transaction is open on this thread (a store call now joins it). */
    boolean inTransaction() {
        return current.get() != null;
    }

    /** Runs {@code action} after the transaction open on this thread is durable; at once when none is open. */
    void afterCommit(Runnable action) {
        java.util.List<Runnable> actions = afterCommit.get();
        if (current.get() == null || actions == null) {
            action.run();
        } else {
            actions.add(action);
        }
    }

    /** Runs {@code work} in a transaction and commits it; joins the transaction already open on this thread. */
    public <T> T transaction(Work<T> work) {
        Connection open = current.get();
        if (open != null) {
            try {
                return work.run(open);
            } catch (SQLException e) {
                throw new JdbcStoreException("SQL failed on " + description + ": " + e.getMessage(), e);
            }
        }
        for (int attempt = 1; ; attempt++) {
            Connection c;
            try {
                c = source.acquire();
            } catch (SQLException e) {
                throw new JdbcStoreException("no connection to " + description + ": " + e.getMessage(), e);
            }
            current.set(c);
            java.util.List<Runnable> actions = new java.util.ArrayList<>();
            afterCommit.set(actions);
            locals.set(new java.util.HashMap<>());
            T result;
            long ticket;
            try {
                result = work.run(c);
                c.commit();
                ticket = source.committed(c);
            } catch (SQLException e) {
                rollback(c);
                if (attempt < MAX_ATTEMPTS && dialect.isTransient(e)) {
                    pause(attempt);
                    continue;
                }
                throw new JdbcStoreException("SQL failed on " + description + ": " + e.getMessage(), e);
            } catch (JdbcStoreException e) {
                rollback(c);
                // A store call that joined this transaction hit a deadlock or serialization failure (PostgreSQL,
                // several stores in one unit of work): the whole block is undone, so it can run again.
                if (attempt < MAX_ATTEMPTS && e.getCause() instanceof SQLException cause && dialect.isTransient(cause)) {
                    pause(attempt);
                    continue;
                }
                throw e;
            } catch (RuntimeException | Error e) {
                rollback(c);
                throw e;
            } finally {
                current.remove();
                afterCommit.remove(); // a failed or retried attempt drops its actions (a retry registers them again)
                locals.remove();
                source.release(c);
            }
            source.awaitDurable(ticket); // outside the connection: other writers commit meanwhile and share the sync
            for (Runnable action : actions) action.run();
            return result;
        }
    }

    /**
     * A value kept for the rest of the transaction open on this thread, made by {@code create} on first use and
     * dropped when the transaction ends (commit, rollback or retry). Why: a bulk load is one transaction of many
     * store calls, and a store that repeats a per-call step (drawing a counter, reading a high-water mark) would
     * make PostgreSQL walk one more version of the same row per call — quadratic. With this it does the step once.
     */
    @SuppressWarnings("unchecked")
    <T> T transactionLocal(Object key, java.util.function.Supplier<T> create) {
        java.util.Map<Object, Object> map = locals.get();
        if (map == null) throw new IllegalStateException("no transaction open on this thread");
        return (T) map.computeIfAbsent(key, k -> create.get());
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(5L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it, SQLite reports it on the next call
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing more to release
        }
    }

    @Override
    public void close() {
        source.close();
    }

    @Override
    public String toString() {
        return description;
    }

    private interface ConnectionSource {
        Connection acquire() throws SQLException;

        /** Right after a commit, connection still held: a ticket for {@link #awaitDurable}, 0 if nothing to wait for. */
        default long committed(Connection c) throws SQLException {
            return 0;
        }

        default void awaitDurable(long ticket) {}

        void release(Connection c);

        void close();
    }

    /** SQLite: one connection, one holder at a time. */
    private static final class SingleConnection implements ConnectionSource {
        private final Connection connection;
        private final FileChannel lockChannel;
        private final WalGroupSync sync;
        private final ReentrantLock lock = new ReentrantLock();
        private long lastTotalChanges;
        private volatile boolean closed;

        SingleConnection(Connection connection, FileChannel lockChannel, WalGroupSync sync) throws SQLException {
            this.connection = Objects.requireNonNull(connection);
            this.lockChannel = lockChannel;
            this.sync = sync;
            this.lastTotalChanges = totalChanges();
        }

        private long totalChanges() throws SQLException {
            return connection.unwrap(org.sqlite.SQLiteConnection.class).getDatabase().total_changes();
        }

        /** Only a transaction that changed rows waits for the disk; reads and no-op upserts return at once. */
        @Override
        public long committed(Connection c) throws SQLException {
            long changes = totalChanges();
            if (changes == lastTotalChanges) return 0;
            lastTotalChanges = changes;
            return sync.ticket();
        }

        @Override
        public void awaitDurable(long ticket) {
            sync.awaitDurable(ticket);
        }

        @Override
        public Connection acquire() throws SQLException {
            lock.lock();
            if (closed) {
                lock.unlock();
                throw new SQLException("store closed");
            }
            return connection;
        }

        @Override
        public void release(Connection c) {
            lock.unlock();
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) return;
                closed = true;
                closeQuietly(connection);
                closeQuietly(sync);
                closeQuietly(lockChannel); // releases the file lock
            } finally {
                lock.unlock();
            }
        }
    }

    private static final class Pool implements ConnectionSource {
        private final HikariDataSource ds;

        Pool(HikariDataSource ds) {
            this.ds = ds;
        }

        @Override
        public Connection acquire() throws SQLException {
            return ds.getConnection();
        }

        @Override
        public void release(Connection c) {
            closeQuietly(c);
        }

        @Override
        public void close() {
            ds.close();
        }
    }
}
