package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database a test class works on, over the real wire protocol: an in-process mongo-java-server (memory
 * backend) shared by the test JVM, or, when {@code MONGO_URI} is set, that real server. Each test class gets
 * its own uniquely named database, emptied before every test and dropped after the class.
 */
final class MongoTestDatabase implements AutoCloseable {
    private static MongoServer server;
    private static MongoClient client;

    private final MongoDatabase db;

    private MongoTestDatabase(MongoDatabase db) {
        this.db = db;
    }

    static boolean usingRealServer() {
        String uri = System.getenv("MONGO_URI");
        return uri != null && !uri.isBlank();
    }

    static synchronized MongoClient client() {
        if (client == null) {
            if (usingRealServer()) {
                client = MongoClients.create(System.getenv("MONGO_URI"));
            } else {
                server = new MongoServer(new MemoryBackend());
                InetSocketAddress address = server.bind();
                client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(MongoTestDatabase::shutdown));
        }
        return client;
    }

    private static synchronized void shutdown() {
        if (client != null) client.close();
        if (server != null) server.shutdownNow();
    }

    static MongoTestDatabase forClass(Class<?> testClass) {
        String simple = testClass.getSimpleName().replaceAll("[^A-Za-z0-9]", "");
        if (simple.length() > 40) simple = simple.substring(0, 40);
        String name = ("vt_" + simple + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL))
                .toLowerCase(Locale.ROOT);
        return new MongoTestDatabase(client().getDatabase(name));
    }

    MongoDatabase db() {
        return db;
    }

    /** The database with no documents, indexes in place. */
    MongoDatabase fresh() {
        db.drop();
        MongoIndexes.ensure(db);
        return db;
    }

    @Override
    public void close() {
        db.drop();
    }
}
