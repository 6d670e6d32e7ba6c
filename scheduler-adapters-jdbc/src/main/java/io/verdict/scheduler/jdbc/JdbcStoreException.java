package io.verdict.scheduler.jdbc;

/** A database call failed for a reason other than a lost race (those surface as the core's own exceptions). */
public final class JdbcStoreException extends RuntimeException {
    public JdbcStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
