package io.verdict.scheduler.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * One NATS connection shared by the queue, lock and event adapters, with the JetStream contexts they use.
 * Reconnects forever (the server may restart; its file store keeps streams, consumers and key-value buckets), and
 * buffers publishes while disconnected only as long as a JetStream request waits for its answer.
 */
public final class NatsConnection implements AutoCloseable {
    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final KeyValueManagement keyValues;

    private NatsConnection(Connection connection) throws IOException {
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.management = connection.jetStreamManagement();
        this.keyValues = connection.keyValueManagement();
    }

    /** Connects to {@code nats://host:port} (several URLs may be given, comma separated). */
    public static NatsConnection connect(String url) {
        NatsEndpoint.parse(url); // fail with a clear message before the client tries
        Options options = new Options.Builder()
                .servers(url.split(","))
                .connectionName("verdict-scheduler")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .errorListener(new QuietErrorListener())
                .build();
        try {
            return new NatsConnection(Nats.connectReconnectOnConnect(options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to NATS at " + NatsEndpoint.parse(url), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
    }

    public Connection connection() {
        return connection;
    }

    JetStream jetStream() {
        return jetStream;
    }

    JetStreamManagement management() {
        return management;
    }

    /** Creates the stream unless it exists; an existing stream keeps its configuration. */
    void ensureStream(StreamConfiguration config) {
        try {
            management.getStreamInfo(config.getName());
        } catch (JetStreamApiException notFound) {
            try {
                management.addStream(config);
            } catch (JetStreamApiException raced) {
                // another node created it between our two calls; fine as long as it exists now
                call(() -> management.getStreamInfo(config.getName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes an existing stream take {@code subject} too (a stream created by an earlier layout keeps its other
     * subjects; the new one usually covers them).
     */
    void ensureSubject(String stream, String subject) {
        call(() -> {
            StreamConfiguration current = management.getStreamInfo(stream).getConfiguration();
            if (current.getSubjects().contains(subject)) return null;
            java.util.List<String> subjects = new java.util.ArrayList<>(current.getSubjects());
            subjects.removeIf(s -> subject.endsWith(".>") && s.startsWith(subject.substring(0, subject.length() - 1)));
            subjects.add(subject);
            management.updateStream(StreamConfiguration.builder(current).subjects(subjects).build());
            return null;
        });
    }

    /** The bucket, created (file storage, one value per key) unless it exists. */
    KeyValue bucket(String name, String description) {
        try {
            if (!keyValues.getBucketNames().contains(name)) {
                try {
                    keyValues.create(KeyValueConfiguration.builder().name(name).description(description)
                            .maxHistoryPerKey(1).storageType(StorageType.File).build());
                } catch (JetStreamApiException raced) {
                    keyValues.getStatus(name); // created by another node meanwhile
                }
            }
            return connection.keyValue(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot open key-value bucket " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * A bucket whose stream allows deleting single messages by sequence, which the key-value API's own buckets
     * deny. The queue removes a finished segment's record that way (a compare-and-delete on its revision) instead of
     * writing a delete marker that would stay behind for every segment ever queued. The stream is otherwise what
     * the key-value API creates, so the client binds to it as to any bucket.
     */
    KeyValue deletableBucket(String name, String description) {
        ensureStream(StreamConfiguration.builder().name("KV_" + name).subjects("$KV." + name + ".>")
                .description(description).maxMessagesPerSubject(1).allowRollup(true).denyDelete(false)
                .allowDirect(true).discardPolicy(io.nats.client.api.DiscardPolicy.New)
                .duplicateWindow(Duration.ofMinutes(2)).storageType(StorageType.File).build());
        try {
            return connection.keyValue(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the streams and buckets whose names start with {@code namespace + "_"} (tests and {@code purge}). */
    public void deleteNamespace(String namespace) {
        String prefix = NatsNames.namespace(namespace) + "_";
        call(() -> {
            for (String s : management.getStreamNames()) {
                if (s.startsWith(prefix) || s.startsWith("KV_" + prefix)) management.deleteStream(s);
            }
            return null;
        });
    }

    @FunctionalInterface
    interface NatsCall<T> {
        T call() throws IOException, JetStreamApiException, InterruptedException;
    }

    /** Runs a JetStream call, turning its checked failures into unchecked ones that say what failed. */
    static <T> T call(NatsCall<T> c) {
        try {
            return c.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("JetStream refused: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to NATS", e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client's default listener prints every reconnect attempt to stderr; a restarting server is not news. */
    private static final class QuietErrorListener implements io.nats.client.ErrorListener {}
}
