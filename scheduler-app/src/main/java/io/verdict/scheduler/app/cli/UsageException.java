package io.verdict.scheduler.app.cli;

/** Bad command-line input: printed as one clear line, process exits with status 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
