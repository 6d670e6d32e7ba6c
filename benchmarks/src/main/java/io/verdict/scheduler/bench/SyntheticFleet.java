package io.verdict.scheduler.bench;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic fleet of one tenant's images: names, tags and labels from small pools, SBOM components drawn
 * by popularity ({@link ZipfSampler}) from a catalogue of distinct purls. Component objects are shared between
 * images (records are immutable), so 100,000 images × 300 components fit in a few hundred MB.
 */
final class SyntheticFleet {
    static final String TENANT = "acme";
    private static final String[] TYPES = {"npm", "maven/org.example", "pypi", "deb/debian", "golang/example.com", "apk/alpine"};

    private final String[] purls;
    private final Component[] inventoryOnly;
    private final Component[] usedByEntrypoint;
    private final List<List<String>> namespaces = new ArrayList<>();
    private final List<List<String>> tags = new ArrayList<>();
    private final List<Map<String, String>> labels = List.of(Map.of("env", "prod"), Map.of("env", "dev"),
            Map.of("env", "prod", "tier", "edge"));

    SyntheticFleet(int distinctPurls) {
        purls = new String[distinctPurls];
        inventoryOnly = new Component[distinctPurls];
        usedByEntrypoint = new Component[distinctPurls];
        for (int r = 0; r < distinctPurls; r++) {
            purls[r] = "pkg:" + TYPES[r % TYPES.length] + "/package-" + r + "@" + (r % 7) + "." + (r % 13) + "." + (r % 5);
            // One in five SBOM entries carries qualifiers; the index must match them on the bare purl.
            String sbomPurl = r % 5 == 0 ? purls[r] + "?arch=amd64&distro=debian-12" : purls[r];
            inventoryOnly[r] = new Component(sbomPurl, false);
            usedByEntrypoint[r] = new Component(sbomPurl, true);
        }
        for (int i = 0; i < 50; i++) namespaces.add(List.of("team-" + i));
        for (int i = 0; i < 10; i++) tags.add(List.of("latest", "1." + i));
    }

    /** The bare purl of a popularity rank (0 = most popular). */
    String purl(int rank) {
        return purls[rank];
    }

    int distinctPurls() {
        return purls.length;
    }

    static String digest(int ordinal) {
        SplittableRandom r = new SplittableRandom(ordinal * 0x9E3779B97F4A7C15L);
        StringBuilder sb = new StringBuilder(71).append("sha256:");
        for (int i = 0; i < 4; i++) sb.append(String.format("%016x", r.nextLong()));
        return sb.toString();
    }

    /** Image {@code ordinal} with the given component ranks; about 30% of components are used by the entrypoint. */
    ImageRecord image(int ordinal, int[] ranks, SplittableRandom rnd) {
        List<Component> components = new ArrayList<>(ranks.length);
        for (int r : ranks) components.add(rnd.nextInt(10) < 3 ? usedByEntrypoint[r] : inventoryOnly[r]);
        return new ImageRecord(TENANT, digest(ordinal), "registry.example.com",
                "team-" + (ordinal % 50) + "/service-" + (ordinal % 2000), namespaces.get(ordinal % 50),
                tags.get(ordinal % 10), labels.get(ordinal % 3), components);
    }

    /** {@code count} distinct ranks drawn by popularity. */
    static int[] distinctRanks(ZipfSampler zipf, int count, SplittableRandom rnd, BitSet scratch) {
        scratch.clear();
        int[] out = new int[count];
        int n = 0;
        while (n < count) {
            int r = zipf.next(rnd);
            if (!scratch.get(r)) {
                scratch.set(r);
                out[n++] = r;
            }
        }
        return out;
    }
}
