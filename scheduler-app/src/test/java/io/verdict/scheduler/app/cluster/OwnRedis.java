package io.verdict.scheduler.app.cluster;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A redis-server owned by one test (its own port and AOF directory), so the test may stop and restart it. */
final class OwnRedis implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private OwnRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static OwnRedis start(int port, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        OwnRedis r = new OwnRedis(port, dir);
        r.launch();
        return r;
    }

    private void launch() throws IOException, InterruptedException {
        // AOF with fsync on every write: a restart brings back every stream entry, lease and counter.
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + System.nanoTime() + ".log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    int port() {
        return port;
    }

    /** SIGTERM and wait: clients see connection refused until {@link #startAgain()}. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    void startAgain() throws IOException, InterruptedException {
        launch();
    }

    void restart() throws IOException, InterruptedException {
        process.destroy(); // SIGTERM: redis flushes the AOF and exits
        process.waitFor();
        Thread.sleep(500);
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
