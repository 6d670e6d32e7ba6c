package io.verdict.scheduler.app.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scheduler JVM started from the test's own class path ({@code Main serve}), its output in a log file, so
 * fault tests can kill it with SIGKILL like an operator's {@code kill -9}.
 */
public final class NodeProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static NodeProcess start(String name, Path dir, Map<String, String> env, String... args) throws IOException {
        return start(name, dir, env, List.of("-Xmx512m"), args);
    }

    /** As {@link #start(String, Path, Map, String...)} with the child JVM's own options (heap, JIT, GC). */
    public static NodeProcess start(String name, Path dir, Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.verdict.scheduler.app.Main");
        cmd.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SCHEDULER_"));
        pb.environment().putAll(env);
        return new NodeProcess(name, pb.start(), log);
    }

    String name() {
        return name;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful release; exactly what kill -9 does. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    /** Waits for a line matching {@code pattern} in the output and returns its first group. */
    public String await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(output());
            if (m.find()) return m.group(1);
            if (!process.isAlive()) throw new IllegalStateException(name + " exited early:\n" + output());
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not print " + pattern + " within " + timeout + ":\n" + output());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }
}
