package io.verdict.scheduler.nats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code nats-server -js} of the test's own, on a free port with its own store directory, so a test can kill and
 * restart it without disturbing the shared server at 4222. Binary: {@code -Dnats.server=...}, default
 * {@code /usr/sbin/nats-server} (Debian's package, which {@code .ci/run} installs).
 */
final class NatsServerProcess implements AutoCloseable {
    static final String BINARY = System.getProperty("nats.server", "/usr/sbin/nats-server");

    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private Process process;

    NatsServerProcess(Path storeDir) throws IOException {
        this.port = freePort();
        this.storeDir = storeDir;
        this.logFile = storeDir.resolveSibling(storeDir.getFileName() + ".log");
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    NatsServerProcess start() throws IOException, InterruptedException {
        Files.createDirectories(storeDir);
        process = new ProcessBuilder(List.of(BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port), "-js",
                "-sd", storeDir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("nats-server exited: " + Files.readString(logFile));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Thread.sleep(200); // JetStream is enabled just after the listener opens
                return this;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nats-server did not open port " + port);
    }

    /** SIGKILL: no flush, no goodbye — what a crashed or OOM-killed server does. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) kill();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
