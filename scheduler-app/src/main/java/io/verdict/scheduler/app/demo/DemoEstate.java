package io.verdict.scheduler.app.demo;

import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A synthetic but realistic estate: images across tenants, each with a Debian or Alpine base layer and an
 * application layer from one ecosystem (npm, Maven, PyPI, Go), a few hundred components each, with popular
 * packages far more common than the long tail. Fully determined by the seed.
 */
public final class DemoEstate {
    public static final List<String> TENANTS = List.of("demo", "acme", "globex");

    private static final String[] DEB = {"openssl", "libssl3", "glibc", "zlib1g", "curl", "libcurl4", "libxml2",
            "tzdata", "ca-certificates", "bash", "coreutils", "libc6", "libgcc-s1", "libstdc++6", "perl-base",
            "libsqlite3-0", "libexpat1", "libpcre2-8-0", "gnupg", "apt", "dpkg", "libsystemd0", "libudev1",
            "libzstd1", "liblzma5", "libbz2-1.0", "ncurses-base", "libtinfo6", "libgnutls30", "libkrb5-3"};
    private static final String[] APK = {"busybox", "musl", "openssl", "libcrypto3", "libssl3", "zlib", "curl",
            "libcurl", "ca-certificates", "apk-tools", "expat", "libxml2", "sqlite-libs", "pcre2", "xz-libs"};
    private static final String[] NPM = {"lodash", "express", "react", "axios", "moment", "debug", "minimist",
            "body-parser", "qs", "semver", "jsonwebtoken", "ws", "node-fetch", "yargs", "chalk", "uuid", "cookie",
            "path-to-regexp", "follow-redirects", "tough-cookie", "glob", "minimatch", "async", "underscore"};
    private static final String[] MAVEN = {"org.apache.logging.log4j/log4j-core", "org.apache.logging.log4j/log4j-api",
            "com.fasterxml.jackson.core/jackson-databind", "com.fasterxml.jackson.core/jackson-core",
            "org.springframework/spring-core", "org.springframework/spring-web", "io.netty/netty-codec-http",
            "io.netty/netty-handler", "org.yaml/snakeyaml", "com.google.guava/guava", "commons-io/commons-io",
            "org.apache.commons/commons-text", "org.apache.tomcat.embed/tomcat-embed-core", "ch.qos.logback/logback-core",
            "com.h2database/h2", "org.postgresql/postgresql", "io.projectreactor/reactor-core", "org.slf4j/slf4j-api"};
    private static final String[] PYPI = {"requests", "urllib3", "certifi", "idna", "charset-normalizer", "django",
            "flask", "jinja2", "werkzeug", "pyyaml", "cryptography", "pillow", "numpy", "setuptools", "pip", "sqlparse"};
    private static final String[] GO = {"golang.org/x/net", "golang.org/x/crypto", "golang.org/x/text",
            "google.golang.org/grpc", "google.golang.org/protobuf", "github.com/gin-gonic/gin",
            "github.com/sirupsen/logrus", "github.com/prometheus/client_golang", "gopkg.in/yaml.v3",
            "github.com/golang-jwt/jwt/v4", "github.com/docker/docker", "k8s.io/client-go"};
    private static final String[] NAMESPACES = {"payments", "checkout", "identity", "search", "platform", "data",
            "ml", "edge"};
    private static final String[] APPS = {"api", "worker", "gateway", "frontend", "scheduler", "indexer", "billing",
            "auth", "reports", "notifier", "ingest", "admin"};

    /** The advisory the demo ingests: purls with known-vulnerable versions, KEV ones marked. */
    public record Advisory(Set<String> purls, Set<String> kevPurls, String exportId) {}

    private final long seed;

    public DemoEstate(long seed) {
        this.seed = seed;
    }

    /** A version of a package: few versions per package so real-world overlap between images appears. */
    private static String version(SplittableRandom r, String name) {
        int major = 1 + Math.floorMod(name.hashCode(), 4);
        return major + "." + r.nextInt(3) + "." + r.nextInt(4);
    }

    public List<ImageRecord> images(int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ImageRecord> out = new ArrayList<>(count);
        Map<String, Component> pool = new java.util.HashMap<>();
        for (int i = 0; i < count; i++) {
            String tenant = tenantOf(i);
            String ns = NAMESPACES[r.nextInt(NAMESPACES.length)];
            String app = APPS[r.nextInt(APPS.length)];
            boolean alpine = r.nextInt(3) == 0;
            int eco = r.nextInt(4);
            TreeSet<String> purls = new TreeSet<>();
            TreeSet<String> used = new TreeSet<>();
            java.util.HashSet<String> names = new java.util.HashSet<>();
            String[] os = alpine ? APK : DEB;
            for (String p : os) {
                if (r.nextInt(10) < 8) {
                    purls.add(alpine ? "pkg:apk/alpine/" + p + "@" + version(r, p) + "?arch=x86_64"
                            : "pkg:deb/debian/" + p + "@" + version(r, p) + "?arch=amd64&distro=debian-12");
                }
            }
            int appPackages = 200 + r.nextInt(300);
            for (int k = 0; k < appPackages; k++) {
                // Popular packages first (Zipf-like), then a long tail of internal/rare ones.
                boolean popular = r.nextInt(4) != 0;
                String purl = switch (eco) {
                    case 0 -> npm(r, popular ? pick(r, NPM) : "%40" + ns + "/lib-" + r.nextInt(4000));
                    case 1 -> "pkg:maven/" + versioned(r, popular ? pick(r, MAVEN) : "com.example." + ns + "/module-" + r.nextInt(4000), "");
                    case 2 -> "pkg:pypi/" + versioned(r, popular ? pick(r, PYPI) : ns + "-util-" + r.nextInt(4000), "");
                    default -> "pkg:golang/" + versioned(r, popular ? pick(r, GO) : "example.com/" + ns + "/pkg" + r.nextInt(4000), "v");
                };
                // One version of a package per image, as in a real lockfile.
                if (!names.add(purl.substring(0, purl.lastIndexOf('@')))) continue;
                if (purls.add(purl) && r.nextInt(3) != 0) used.add(purl);
            }
            List<Component> components = new ArrayList<>(purls.size());
            for (String p : purls) {
                boolean u = used.contains(p);
                components.add(pool.computeIfAbsent(p + (u ? "#u" : ""), k -> new Component(p, u)));
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("env", switch (r.nextInt(3)) { case 0 -> "prod"; case 1 -> "staging"; default -> "dev"; });
            labels.put("team", ns);
            String registry = r.nextInt(4) == 0 ? "ghcr.io" : "registry.example.com";
            out.add(new ImageRecord(tenant, digest(i), registry, ns + "/" + app, List.of(ns),
                    List.of("1." + r.nextInt(30) + "." + r.nextInt(10), r.nextInt(5) == 0 ? "latest" : "stable"),
                    labels, components));
        }
        return out;
    }

    /** The tenant of the i-th image: 2 in 5 in demo, 2 in acme, 1 in globex. */
    public static String tenantOf(int i) {
        return TENANTS.get(i % 5 == 4 ? 2 : i % 5 >= 2 ? 1 : 0);
    }

    private static String npm(SplittableRandom r, String name) {
        return "pkg:npm/" + versioned(r, name, "");
    }

    private static String versioned(SplittableRandom r, String name, String prefix) {
        return name + "@" + prefix + version(r, name);
    }

    private static String pick(SplittableRandom r, String[] names) {
        // Squared uniform favours the first names: a cheap Zipf-like popularity curve.
        double u = r.nextDouble();
        return names[(int) (u * u * names.length)];
    }

    public String digest(int i) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("demo-image:" + seed + ":" + i).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An advisory over a handful of popular packages at one vulnerable version each; log4j-core is on KEV. */
    public Advisory advisory() {
        SplittableRandom r = new SplittableRandom(seed * 7 + 1);
        TreeSet<String> purls = new TreeSet<>();
        TreeSet<String> kev = new TreeSet<>();
        String log4j = "pkg:maven/org.apache.logging.log4j/log4j-core@" + version(r, "org.apache.logging.log4j/log4j-core");
        purls.add(log4j);
        kev.add(log4j);
        purls.add("pkg:deb/debian/openssl@" + version(r, "openssl"));
        purls.add("pkg:apk/alpine/busybox@" + version(r, "busybox"));
        purls.add("pkg:npm/lodash@" + version(r, "lodash"));
        purls.add("pkg:npm/minimist@" + version(r, "minimist"));
        purls.add("pkg:pypi/urllib3@" + version(r, "urllib3"));
        purls.add("pkg:golang/golang.org/x/net@v" + version(r, "golang.org/x/net"));
        purls.add("pkg:maven/com.fasterxml.jackson.core/jackson-databind@" + version(r, "com.fasterxml.jackson.core/jackson-databind"));
        return new Advisory(purls, kev, "concelier-export-" + Long.toHexString(seed));
    }
}
