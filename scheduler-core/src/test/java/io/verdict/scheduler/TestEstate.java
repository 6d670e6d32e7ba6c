package io.verdict.scheduler;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small deterministic estates for core tests. */
public final class TestEstate {
    private TestEstate() {}

    public static String digest(int i) {
        return "sha256:" + String.format("%064x", i);
    }

    /** {@code count} images of {@code tenant}; image i has openssl if i is even, log4j if i % 3 == 0. */
    public static List<ImageRecord> images(String tenant, int count) {
        List<ImageRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Component> cs = new ArrayList<>();
            cs.add(new Component("pkg:npm/left-pad@1.3.0", false));
            if (i % 2 == 0) cs.add(new Component("pkg:deb/debian/openssl@3.0.11-1?arch=amd64", i % 4 == 0));
            if (i % 3 == 0) cs.add(new Component("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", true));
            out.add(new ImageRecord(tenant, digest(i), "registry.example.com", (i % 2 == 0 ? "payments" : "search") + "/api",
                    List.of(i % 2 == 0 ? "payments" : "search"), List.of("1.0." + i), Map.of("env", i % 5 == 0 ? "prod" : "dev"), cs));
        }
        return out;
    }
}
