package io.verdict.scheduler.http;

import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules' unit tests ({@code promtool test rules}) fed from a recorded exposition instead of invented series:
 * a real run is scraped from a live {@code /metrics} (while it waits for workers and after it ended), every series is
 * parsed into its name and label set, and each scenario of {@code docs/operations/worker-prometheus-rules.test.yaml}
 * is regenerated over those recorded series — their exact names and labels (e.g. {@code le="60.0"}, the real
 * {@code status} and {@code code} values), plus the {@code job}/{@code instance} labels a Prometheus scrape adds. Only
 * the values over time are scripted. A renamed metric, a changed label or bucket boundary therefore fails here, where
 * the hand-written file would keep passing. The generated file and the recording are kept under
 * {@code target/recorded-rules/} for inspection.
 */
class RecordedRuleTest {
    static final Path OPS = Path.of("..", "docs", "operations").toAbsolutePath().normalize();
    static final Path OUT = Path.of("target", "recorded-rules");
    static final String JOB = "scheduler";
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    record Series(String name, Map<String, String> labels) {
        String label(String key) {
            return labels.get(key);
        }

        /** The promtool series selector, with the scrape's own labels added. */
        String selector(String instance) {
            Map<String, String> all = new TreeMap<>(labels);
            all.put("job", JOB);
            all.put("instance", instance);
            StringBuilder b = new StringBuilder(name).append('{');
            all.forEach((k, v) -> b.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\","));
            b.setLength(b.length() - 1);
            return b.append('}').toString();
        }
    }

    static TestServer t;
    static final Map<String, List<Series>> recorded = new TreeMap<>();

    @BeforeAll
    static void record() throws Exception {
        t = new TestServer();
        String token = t.token("acme");
        t.indexImages("acme", 8, "payments", List.of("pkg:npm/lodash@4.17.20"));
        String runId = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"all-images\"}}").json().get("id").asText();
        String waiting = t.get("/metrics", null).body(); // queue depth and backlog rows exist while work waits
        t.scheduler.startWorkers(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !Set.of("completed", "error", "cancelled")
                .contains(t.get("/api/v1/scheduler/runs/" + runId, token).json().get("state").asText())) {
            Thread.sleep(20);
        }
        String done = t.get("/metrics", null).body();
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("recorded-waiting.prom"), waiting);
        Files.writeString(OUT.resolve("recorded-done.prom"), done);
        Set<Series> all = new java.util.LinkedHashSet<>();
        all.addAll(parse(waiting));
        all.addAll(parse(done));
        for (Series s : all) recorded.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static List<Series> parse(String exposition) {
        List<Series> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches()) throw new AssertionError("unparsable exposition line: " + line);
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            out.add(new Series(m.group(1), labels));
        }
        return out;
    }

    /** The recorded series of a metric matching {@code filter}; none is a failure (the rule would read nothing). */
    static List<Series> series(String name, Predicate<Series> filter) {
        List<Series> found = recorded.getOrDefault(name, List.of()).stream().filter(filter).toList();
        assertThat(found).as("recorded series of " + name).isNotEmpty();
        return found;
    }

    static List<Series> series(String name) {
        return series(name, s -> true);
    }

    @Test
    void everyMetricTheRulesReadIsRecorded() throws Exception {
        String rules = Files.readString(OPS.resolve("worker-prometheus-rules.yaml"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(scheduler_[a-z_]+)\\b").matcher(rules.replaceAll("(?m)^\\s*#.*$", ""));
        while (m.find()) used.add(m.group(1));
        assertThat(used).isNotEmpty();
        assertThat(recorded.keySet()).containsAll(used);
    }

    @Test
    void promtoolRuleTestsPassOnTheRecordedSeries() throws Exception {
        String promtool = System.getenv().getOrDefault("PROMTOOL", "/usr/bin/promtool");
        // CI installs Debian's prometheus package; a developer machine without it skips this check.
        Assumptions.assumeTrue(Files.isExecutable(Path.of(promtool)) || System.getenv("CI") != null,
                "promtool not installed (apt-get install prometheus)");
        String yaml = generate();
        Path file = OUT.resolve("worker-prometheus-rules.recorded.test.yaml");
        Files.writeString(file, yaml);
        Process p = new ProcessBuilder(promtool, "test", "rules", file.getFileName().toString())
                .directory(OUT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + "\n" + file.toAbsolutePath()).isZero();
        assertThat(out).contains("SUCCESS");
    }

    // ---- the scenarios of worker-prometheus-rules.test.yaml, over the recorded series ----

    static String generate() {
        RuleTests y = new RuleTests(OPS.resolve("worker-prometheus-rules.yaml"));
        String slow = "analysisOnly";
        String other = "contentRefresh";
        String node1 = "node-1:8080";

        // Planner: one mode plans slowly (every plan lands in the first bucket above the 30 s SLA), the other fast.
        List<Series> buckets = series("scheduler_planner_latency_seconds_bucket");
        List<Double> bounds = buckets.stream().filter(s -> slow.equals(s.label("mode"))).map(s -> le(s)).sorted().toList();
        double upper = bounds.stream().filter(b -> b > 30).findFirst().orElseThrow();
        double lower = bounds.stream().filter(b -> b < upper).max(Comparator.naturalOrder()).orElse(0.0);
        assertThat(upper).as("a finite bucket above the 30 s SLA").isFinite();
        assertThat(series("scheduler_planner_latency_seconds_bucket", s -> other.equals(s.label("mode")))).isNotEmpty();
        y.test();
        for (Series s : buckets) {
            boolean rising = !slow.equals(s.label("mode")) || le(s) >= upper;
            y.input(s, node1, rising ? "0+10x40" : "0x40");
        }
        y.alert("5m", "SchedulerPlannerLagOverSla");
        y.alert("30m", "SchedulerPlannerLagOverSla", labels("severity", "warning", "component", "planner", "mode", slow),
                annotations("Planner p95 latency over SLA (" + slow + ")",
                        "95th percentile plan latency for mode " + slow + " is " + humanizeDuration(lower + 0.95 * (upper - lower))
                                + " (SLA 30s). Long plans hold the tenant planner lock and cause ERR_RUN_001.",
                        "docs/operations/errors/ERR_RUN_001.md"));

        // Planner failures: three of four analysis-only plans fail; content-refresh plans succeed.
        y.test();
        for (Series s : series("scheduler_planner_runs_total")) {
            String status = s.label("status");
            boolean isSlow = slow.equals(s.label("mode"));
            String values = switch (status) {
                case "failed" -> isSlow ? "0+3x40" : "0x40";
                case "enqueued" -> isSlow ? "0+1x40" : "0+3x40";
                default -> "0x40";
            };
            y.input(s, node1, values);
        }
        series("scheduler_planner_runs_total", s -> "failed".equals(s.label("status")));
        y.alert("30m", "SchedulerPlannerFailureRatioHigh", labels("severity", "warning", "component", "planner", "mode", slow),
                annotations("Most plans fail (" + slow + ")", humanizePercentage(0.75) + " of plans for mode " + slow
                                + " failed over 15 minutes. Check scheduler_runs_error_total by code: ERR_RUN_009 (stale index) and ERR_RUN_001 (lock held) are the usual causes.",
                        "docs/operations/errors/ERR_RUN_009.md"));

        // Heartbeat: node-1 goes silent after 5 minutes, node-2 keeps beating.
        y.test();
        Series heartbeat = series("scheduler_planner_heartbeat_age_seconds").get(0);
        y.input(heartbeat, node1, "5x5 95 155 215 275 335");
        y.input(heartbeat, "node-2:8080", "5x10");
        Map<String, String> silent = new TreeMap<>(heartbeat.labels());
        silent.putAll(labels("severity", "critical", "component", "planner", "instance", node1, "job", JOB));
        y.alert("5m", "SchedulerPlannerHeartbeatSilent");
        y.alert("8m", "SchedulerPlannerHeartbeatSilent", silent,
                annotations("Planner heartbeat silent for more than 90s", "The planner loop on " + node1 + " last reported "
                        + humanizeDuration(215) + " ago. Cron ticks and intake are not being planned there.",
                        "docs/operations/worker.md#what-to-watch"));
        y.alert("8m", "SchedulerPlannerHeartbeatMissing");

        // No process exports the heartbeat: only the queue depth is scraped.
        y.test();
        for (Series s : series("scheduler_queue_depth")) y.input(s, node1, "0x10");
        y.alert("3m", "SchedulerPlannerHeartbeatMissing");
        y.alert("6m", "SchedulerPlannerHeartbeatMissing", labels("severity", "critical", "component", "planner"),
                annotations("No planner heartbeat metric at all", "No scheduler process exports scheduler_planner_heartbeat_age_seconds: every scheduler is down or not scraped.",
                        "docs/operations/worker.md#what-to-watch"));

        // Queue depth: the first recorded queue of the tenant stays deep on two instances (summed), the others shallow.
        y.test();
        List<Series> depth = series("scheduler_queue_depth");
        Series deep = depth.get(0);
        for (Series s : depth) {
            if (s.equals(deep)) {
                y.input(s, node1, "3000x30");
                y.input(s, "node-2:8080", "3000x30");
            } else {
                y.input(s, node1, "10x30");
            }
        }
        y.input(heartbeat, node1, "5x30");
        y.alert("10m", "SchedulerQueueDepthHigh");
        y.alert("20m", "SchedulerQueueDepthHigh", labels("severity", "warning", "component", "queue", "queue", deep.label("queue"),
                        "tenant", deep.label("tenant")),
                annotations("Queue " + deep.label("queue") + " deep for tenant " + deep.label("tenant"), "6000 segments have been waiting in queue "
                                + deep.label("queue") + " for tenant " + deep.label("tenant") + " for 15 minutes. Workers are too few, or the scanner is slowing them down (backpressure).",
                        "docs/operations/worker.md#scaling"));

        // Backlog: the recorded backlog row stays flat (fires), then the same row drains (stays quiet).
        List<Series> backlog = series("scheduler_runner_backlog");
        Series row = backlog.get(0);
        y.test();
        for (Series s : backlog) y.input(s, node1, s.equals(row) ? "500x50" : "0x50");
        y.alert("20m", "SchedulerRunnerBacklogStuck");
        y.alert("40m", "SchedulerRunnerBacklogStuck", labels("severity", "warning", "component", "runner", "mode", row.label("mode"),
                        "scheduleId", row.label("scheduleId")),
                annotations("Runner backlog of schedule " + row.label("scheduleId") + " is not shrinking", "The " + row.label("mode")
                                + " backlog of schedule " + row.label("scheduleId") + " is 500 and has not decreased for 30 minutes.",
                        "docs/operations/worker.md#what-to-watch"));
        y.test();
        for (Series s : backlog) y.input(s, node1, s.equals(row) ? "1000-10x50" : "0x50");
        y.alert("40m", "SchedulerRunnerBacklogStuck");

        // Segments: a third of analysis-only attempts are retried; content-refresh is healthy but one segment died.
        y.test();
        for (Series s : series("scheduler_runner_segments_total")) {
            boolean isSlow = slow.equals(s.label("mode"));
            String values = switch (s.label("status")) {
                case "completed" -> isSlow ? "0+10x40" : "0+20x40";
                case "retry" -> isSlow ? "0+5x40" : "0x40";
                case "dead" -> isSlow ? "0x40" : "0x20 1x20";
                default -> "0x40";
            };
            y.input(s, node1, values);
        }
        series("scheduler_runner_segments_total", s -> "retry".equals(s.label("status")));
        series("scheduler_runner_segments_total", s -> "dead".equals(s.label("status")) && other.equals(s.label("mode")));
        y.alert("10m", "SchedulerSegmentFailureRatioHigh");
        y.alert("30m", "SchedulerSegmentFailureRatioHigh", labels("severity", "warning", "component", "runner", "mode", slow),
                annotations("Many segment attempts fail (" + slow + ")", humanizePercentage(5.0 / 15) + " of " + slow
                                + " segment attempts ended in retry or dead over 15 minutes. Usually the scanner: ERR_RUN_003 (unavailable) or ERR_RUN_005 (timeout).",
                        "docs/operations/errors/ERR_RUN_003.md"));
        y.alert("10m", "SchedulerSegmentsDead");
        y.alert("25m", "SchedulerSegmentsDead", labels("severity", "info", "component", "runner", "mode", other),
                annotations("Segments exhausted their attempts (" + other + ")", "1 " + other
                                + " segment(s) went dead in 15 minutes; they are in scheduler:runner:dead and need a retry once the cause is fixed.",
                        "docs/operations/errors/ERR_RUN_006.md"));

        // Run errors: ERR_RUN_006 repeats; cancellations (ERR_RUN_007) never page; one ERR_RUN_001 stays below 3.
        y.test();
        for (Series s : series("scheduler_runs_error_total")) {
            String values = switch (s.label("code")) {
                case "ERR_RUN_006" -> "0 0 0 1 2 3 4 5 6 7 8";
                case "ERR_RUN_007" -> "0+5x10";
                case "ERR_RUN_001" -> "0x5 1x5";
                default -> "0x10";
            };
            y.input(s, node1, values);
        }
        series("scheduler_runs_error_total", s -> "ERR_RUN_006".equals(s.label("code")));
        y.alert("3m", "SchedulerRepeatedRunErrors");
        y.alert("10m", "SchedulerRepeatedRunErrors", labels("severity", "warning", "component", "runs", "code", "ERR_RUN_006"),
                annotations("Repeated ERR_RUN_006", "ERR_RUN_006 was reported 8 times in 30 minutes.", "docs/operations/errors/ERR_RUN_006.md"));
        return y.yaml();
    }

    static double le(Series s) {
        String v = s.label("le");
        return "+Inf".equals(v) ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
    }

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Map<String, String> annotations(String summary, String description, String runbook) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("summary", summary);
        m.put("description", description);
        m.put("runbook_url", runbook);
        return m;
    }

    /** Go's {@code %.4g} for the values these scenarios produce (no exponent): four significant digits, no trailing zeros. */
    static String g4(double v) {
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** Prometheus' template function {@code humanizeDuration}, for values of a second and more. */
    static String humanizeDuration(double v) {
        assertThat(v).isGreaterThanOrEqualTo(1);
        long seconds = (long) v;
        long days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60, secs = seconds % 60;
        if (days != 0) return days + "d " + hours + "h " + minutes + "m " + secs + "s";
        if (hours != 0) return hours + "h " + minutes + "m " + secs + "s";
        if (minutes != 0) return minutes + "m " + secs + "s";
        return g4(v) + "s";
    }

    /** Prometheus' template function {@code humanizePercentage}. */
    static String humanizePercentage(double v) {
        return g4(v * 100) + "%";
    }

    /** A promtool rule-test file, written as YAML by hand (every value single- or double-quoted). */
    static final class RuleTests {
        private final StringBuilder b = new StringBuilder();
        private boolean inputs;

        RuleTests(Path rules) {
            b.append("# Generated by RecordedRuleTest from a recorded /metrics exposition; do not edit.\n")
                    .append("rule_files:\n  - ").append(quote(rules.toString())).append("\nevaluation_interval: 1m\ntests:\n");
        }

        void test() {
            b.append("  - interval: 1m\n    input_series:\n");
            inputs = true;
        }

        void input(Series s, String instance, String values) {
            if (!inputs) throw new IllegalStateException("series after alerts");
            b.append("      - series: ").append(quote(s.selector(instance))).append("\n        values: ").append(quote(values)).append('\n');
        }

        void alert(String at, String name) {
            header(at, name);
            b.append("        exp_alerts: []\n");
        }

        void alert(String at, String name, Map<String, String> labels, Map<String, String> annotations) {
            header(at, name);
            b.append("        exp_alerts:\n          - exp_labels:\n");
            labels.forEach((k, v) -> b.append("              ").append(k).append(": ").append(quote(v)).append('\n'));
            b.append("            exp_annotations:\n");
            annotations.forEach((k, v) -> b.append("              ").append(k).append(": ").append(quote(v)).append('\n'));
        }

        private void header(String at, String name) {
            if (inputs) b.append("    alert_rule_test:\n");
            inputs = false;
            b.append("      - eval_time: ").append(at).append("\n        alertname: ").append(name).append('\n');
        }

        /** A YAML single-quoted scalar: only the quote itself needs doubling. */
        static String quote(String v) {
            return "'" + v.replace("'", "''") + "'";
        }

        String yaml() {
            return b.toString();
        }
    }
}
