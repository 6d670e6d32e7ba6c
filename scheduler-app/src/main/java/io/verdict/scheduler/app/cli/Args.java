package io.verdict.scheduler.app.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} / {@code --name=value} / {@code --flag} options. Unknown options are an error, so a typo
 * never silently falls back to a default.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final String command;

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param flags options that take no value
     */
    public static Args parse(String command, List<String> argv, Set<String> options, Set<String> flags) {
        Args a = new Args(command);
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (!arg.startsWith("--")) throw new UsageException(command + ": unexpected argument '" + arg + "'");
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                a.values.put(name, value == null ? "true" : value);
            } else if (options.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) throw new UsageException(command + ": --" + name + " needs a value");
                    value = argv.get(++i);
                }
                a.values.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option --" + name);
            }
        }
        return a;
    }

    public String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public long longValue(String name, long dflt, long min, long max) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max + " (got " + v + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a whole number (got '" + v + "')");
        }
    }

    public int intValue(String name, int dflt, int min, int max) {
        return (int) longValue(name, dflt, min, max);
    }

    public double doubleValue(String name, double dflt, double min, double max) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= min && d <= max)) {
                throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max + " (got " + v + ")");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number (got '" + v + "')");
        }
    }
}
