package io.verdict.scheduler.app.cli;

import java.util.Map;

/**
 * Chooses the log format before the first logger exists (logback reads {@code SCHEDULER_LOG_FORMAT} from system
 * properties or the environment when it configures itself): JSON lines on stdout for {@code serve}, whose logs go
 * to a collector; text on stderr for the other commands, whose stdout is their answer.
 */
public final class LogFormat {
    public static final String KEY = "SCHEDULER_LOG_FORMAT";

    private LogFormat() {}

    public static void choose(String command, Map<String, String> env) {
        String configured = env.get(KEY);
        if (configured != null && !configured.isBlank()) {
            if (!configured.equals("json") && !configured.equals("text")) {
                throw new UsageException(KEY + " must be json or text (got '" + configured + "')");
            }
            return;
        }
        if (System.getProperty(KEY) == null) System.setProperty(KEY, command.equals("serve") ? "json" : "text");
    }
}
