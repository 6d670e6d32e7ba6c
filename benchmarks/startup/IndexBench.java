import io.verdict.scheduler.app.demo.DemoEstate;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client loop for the indexing bench: PUTs N demo-shaped images (estate seed 7, so none is a stored demo image) to
 * {@code PUT /api/v1/scheduler/images/{digest}} with C requests in flight, and prints images/s.
 * Run with the app jar on the class path: java -cp scheduler-app.jar IndexBench.java BASE TOKEN [N] [C]
 */
public class IndexBench {
    public static void main(String[] a) throws Exception {
        String base = a[0], token = a[1];
        int n = a.length > 2 ? Integer.parseInt(a[2]) : 10_000, c = a.length > 3 ? Integer.parseInt(a[3]) : 8;
        DemoEstate estate = new DemoEstate(7);
        List<ImageRecord> images = estate.images(n);
        String[] bodies = new String[n];
        long components = 0;
        for (int i = 0; i < n; i++) {
            ImageRecord img = images.get(i);
            StringBuilder b = new StringBuilder("{\"registry\":\"").append(img.registry()).append("\",\"repository\":\"")
                    .append(img.repository()).append("\",\"namespaces\":[\"").append(img.namespaces().get(0))
                    .append("\"],\"tags\":[\"").append(String.join("\",\"", img.tags())).append("\"],\"components\":[");
            for (int k = 0; k < img.components().size(); k++) {
                Component comp = img.components().get(k);
                if (k > 0) b.append(',');
                b.append("{\"purl\":\"").append(comp.purl()).append("\",\"usedByEntrypoint\":").append(comp.usedByEntrypoint()).append('}');
            }
            bodies[i] = b.append("]}").toString();
            components += img.components().size();
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger(), failed = new AtomicInteger();
        long t0 = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(c)) {
            for (int w = 0; w < c; w++) pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/scheduler/images/" + estate.digest(i)))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(bodies[i])).build();
                    try {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 && failed.getAndIncrement() < 3) System.err.println(r.statusCode() + " " + r.body());
                    } catch (Exception e) {
                        if (failed.getAndIncrement() < 3) e.printStackTrace();
                    }
                }
                return null;
            });
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("indexed %d images (%d components) in %.2f s with %d in flight: %.0f images/s, %d failed%n",
                n, components, s, c, n / s, failed.get());
    }
}
