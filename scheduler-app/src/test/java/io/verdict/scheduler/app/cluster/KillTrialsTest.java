package io.verdict.scheduler.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.verdict.scheduler.app.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "A 2xx means durable", tested the way an operator breaks it: the embedded {@code serve} (SQLite in one data dir)
 * gets a random mix of image, schedule and run writes and is {@code kill -9}ed at a random moment right after one
 * was acknowledged, or while a {@code POST /runs} is still planning. It is then started again on the same data dir
 * and every acknowledged write must be readable, no run may be left in {@code planning}, the planner lock must be
 * free (a new run is accepted, not refused with 409 ERR_RUN_001) and every run must complete. Repeated
 * {@code -Dkilltrials.count} times (default 30) from a seeded {@link Random} ({@code -Dkilltrials.seed}); the seed,
 * the trials and the writes acknowledged and lost are printed for the record.
 */
class KillTrialsTest {
    private static final String TENANT = "kt";
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^ /]+:(\\d+)");
    // Thirty-odd JVM starts dominate the cost: C1 only and the serial collector start the child in about half the
    // CPU time, and a short-lived node never needs C2's code.
    private static final List<String> CHILD_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RUNS_TIMEOUT = Duration.ofSeconds(120);
    private static final String RUNS = "/api/v1/scheduler/runs";
    private static final String SCHEDULES = "/api/v1/scheduler/schedules";
    private static final String IMAGES = "/api/v1/scheduler/images/";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private NodeProcess node;
    private int port;
    private String token;

    // Every write that got a 2xx, by kind: what must be there after any later crash.
    private final List<String> ackedImagePurls = new ArrayList<>();
    private final List<String> ackedSchedules = new ArrayList<>();
    private final Set<String> ackedRuns = new LinkedHashSet<>();
    private int writeSeq;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    @Test
    void killNineAfterAcknowledgedWritesLosesNothingAndLeavesNoRunOrLockBehind() throws Exception {
        int trials = Integer.getInteger("killtrials.count", 30);
        long seed = Long.getLong("killtrials.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("kill trials: seed=%d trials=%d (repeat with -Dkilltrials.seed=%d -Dkilltrials.count=%d)%n",
                seed, trials, seed, trials);
        long t0 = System.nanoTime();
        Path data = dir.resolve("data");
        int lost = 0;
        int caughtPlanning = 0;
        int caughtUnfinished = 0;
        int caughtLocks = 0;
        int planningDropped = 0;
        int killsDuringPlanning = 0;

        start(data, 0);
        token = mintToken(data);
        putImage(); // the estate is never empty, so a run always has targets
        for (int trial = 1; trial <= trials; trial++) {
            long trialStart = System.nanoTime();
            int writes = 1 + random.nextInt(4);
            for (int w = 0; w < writes; w++) randomWrite(random);
            boolean duringPlanning = random.nextInt(4) == 0;
            if (duringPlanning) {
                // POST /runs without waiting for the answer, watch the store file for the run in planning and kill
                // the moment it shows (or, if the answer comes first, right after it). Whatever the client got
                // back is held to the same rule as any other write.
                CompletableFuture<HttpResponse<String>> pending = http.sendAsync(runRequest(), HttpResponse.BodyHandlers.ofString());
                awaitPlanningOrAnswer(data, pending);
                node.kill9();
                killsDuringPlanning++;
                try {
                    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
                    if (r.statusCode() / 100 == 2) ackedRuns.add(JSON.readTree(r.body()).get("id").asText());
                } catch (Exception killedBeforeAnswering) {
                    // no answer, no promise
                }
            } else {
                // Right after the last 2xx, or a moment later while workers are inside segments.
                if (random.nextBoolean()) sleepMicros(random.nextInt(50_000));
                node.kill9();
            }

            OnDisk onDisk = onDisk(data);
            caughtPlanning += onDisk.planning();
            caughtUnfinished += onDisk.unfinished();
            caughtLocks += onDisk.locks();
            long restart = System.nanoTime();
            start(data, trial);
            long started = System.nanoTime();
            Check check = check();
            // A run the kill caught in planning was never acknowledged: the restart may drop it or carry it through,
            // never leave it where it was (the planning check above and the completion wait below hold it to that).
            for (String id : onDisk.planningIds()) {
                if (send(get(RUNS + "/" + id)).statusCode() == 404) planningDropped++;
            }
            lost += check.lost();
            assertThat(check.lost()).as("acknowledged writes missing after kill -9 in trial %d (seed %d):%n%s",
                    trial, seed, check.missing()).isZero();
            assertThat(check.planning()).as("runs left in planning after restart, trial %d (seed %d)", trial, seed).isEmpty();
            // The planner lock is free: a new run is planned, not refused with 409 ERR_RUN_001.
            HttpResponse<String> probe = send(runRequest());
            assertThat(probe.statusCode()).as("a new run after restart, trial %d (seed %d): %s", trial, seed, probe.body())
                    .isEqualTo(201);
            ackedRuns.add(JSON.readTree(probe.body()).get("id").asText());
            awaitAllRunsCompleted(trial, seed);
            System.out.printf("trial %d: %d writes, kill %s; restart %d ms, checks %d ms, trial %d ms%n", trial, writes,
                    duringPlanning ? "during POST /runs" : "after a 2xx", (started - restart) / 1_000_000,
                    (System.nanoTime() - started) / 1_000_000, (System.nanoTime() - trialStart) / 1_000_000);
        }
        node.close();
        int acknowledged = ackedImagePurls.size() + ackedSchedules.size() + ackedRuns.size();
        System.out.printf("kill trials: seed=%d trials=%d kills-during-POST/runs=%d; left on disk by the kills: "
                        + "runs in planning=%d (dropped at restart=%d), runs not finished=%d, locks=%d; writes-acknowledged=%d (images=%d schedules=%d runs=%d) writes-lost=%d time=%ds%n",
                seed, trials, killsDuringPlanning, caughtPlanning, planningDropped, caughtUnfinished, caughtLocks, acknowledged, ackedImagePurls.size(),
                ackedSchedules.size(), ackedRuns.size(), lost, (System.nanoTime() - t0) / 1_000_000_000);
        assertThat(lost).isZero();
    }

    private void randomWrite(Random random) throws Exception {
        switch (random.nextInt(3)) {
            case 0 -> putImage();
            case 1 -> {
                // Fires only on 29 February: a cron tick taking the planner lock never races the trial's own runs.
                HttpResponse<String> r = send(json(SCHEDULES).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"kt-" + (++writeSeq) + "\",\"cronExpression\":\"0 1 29 2 *\"}")).build());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                ackedSchedules.add(JSON.readTree(r.body()).get("id").asText());
            }
            default -> {
                HttpResponse<String> r = send(runRequest());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                ackedRuns.add(JSON.readTree(r.body()).get("id").asText());
            }
        }
    }

    /** Each image carries a purl of its own, so one preview proves every acknowledged image is indexed. */
    private void putImage() throws Exception {
        int n = ++writeSeq;
        String digest = String.format("sha256:%064x", 0x4B7000L + n);
        String purl = "pkg:npm/kt-image-" + n + "@1.0." + n;
        HttpResponse<String> r = send(json(IMAGES + digest).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"registry\":\"registry.example.com\",\"repository\":\"kt/svc\",\"namespaces\":[\"kt\"],"
                        + "\"tags\":[\"1." + n + "\"],\"components\":[{\"purl\":\"" + purl + "\",\"usedByEntrypoint\":true},"
                        + "{\"purl\":\"pkg:npm/kt-shared@1.0.0\",\"usedByEntrypoint\":false}]}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ackedImagePurls.add(purl);
    }

    private HttpRequest runRequest() {
        // A reason of its own per run: the planner's dedup (same image, same reason, run not terminal) must not
        // turn a run into no work.
        return json(RUNS).POST(HttpRequest.BodyPublishers.ofString(
                "{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"kill trial " + (++writeSeq) + "\"}")).build();
    }

    record Check(int lost, List<String> missing, List<String> planning) {}

    record OnDisk(List<String> planningIds, int unfinished, int locks) {
        int planning() {
            return planningIds.size();
        }
    }

    /**
     * What the kill left in the store file, read (read-only) before the restart repairs it: evidence that the trials
     * hit runs mid-planning and mid-run and locks held, not only quiet moments. Observation only, never asserted.
     */
    private static OnDisk onDisk(Path data) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("scheduler.db"), readOnly());
             Statement st = c.createStatement()) {
            List<String> planning = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id FROM runs WHERE state = 'planning'")) {
                while (rs.next()) planning.add(rs.getString(1));
            }
            return new OnDisk(planning,
                    count(st, "SELECT count(*) FROM runs WHERE state NOT IN ('completed', 'cancelled', 'error')"),
                    count(st, "SELECT count(*) FROM locks WHERE owner IS NOT NULL"));
        } catch (SQLException e) {
            System.out.println("kill trials: could not read the store after the kill (" + e.getMessage() + ")");
            return new OnDisk(List.of(), 0, 0);
        }
    }

    /** Polls the store (read-only) until a run is in planning or the answer arrived; a generous deadline bounds it. */
    private static void awaitPlanningOrAnswer(Path data, CompletableFuture<?> answer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("scheduler.db"), readOnly());
             Statement st = c.createStatement()) {
            while (!answer.isDone() && System.nanoTime() < deadline) {
                if (count(st, "SELECT count(*) FROM runs WHERE state = 'planning'") > 0) return;
                Thread.sleep(Duration.ofNanos(200_000)); // leave the CPU to the server being watched
            }
        } catch (SQLException busy) {
            // the writer holds the file this instant: kill now, which is as random a moment as any
        }
    }

    private static Properties readOnly() {
        Properties p = new Properties();
        p.setProperty("open_mode", "1");
        return p;
    }

    private static int count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private Check check() throws Exception {
        List<String> missing = new ArrayList<>();
        int imagesLost = 0;
        if (!ackedImagePurls.isEmpty()) {
            String purls = JSON.writeValueAsString(ackedImagePurls);
            HttpResponse<String> r = send(json("/api/v1/scheduler/preview").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"purls\":" + purls + ",\"sampleSize\":0}")).build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            int found = JSON.readTree(r.body()).get("total").asInt();
            // Each purl belongs to exactly one image: the total counts the acknowledged images still indexed.
            imagesLost = ackedImagePurls.size() - found;
            if (imagesLost != 0) missing.add(imagesLost + " of " + ackedImagePurls.size() + " images not indexed");
        }
        for (String id : ackedSchedules) {
            HttpResponse<String> r = send(get(SCHEDULES + "/" + id));
            if (r.statusCode() != 200) missing.add("schedule " + id + " -> " + r.statusCode() + " " + r.body());
        }
        for (String id : ackedRuns) {
            HttpResponse<String> r = send(get(RUNS + "/" + id));
            if (r.statusCode() != 200) missing.add("run " + id + " -> " + r.statusCode() + " " + r.body());
        }
        List<String> planning = new ArrayList<>();
        for (JsonNode run : allRuns()) {
            if (run.get("state").asText().equals("planning")) planning.add(run.get("id").asText());
        }
        return new Check(missing.size() - (imagesLost == 0 ? 0 : 1) + imagesLost, missing, planning);
    }

    /** Every run the tenant has (acknowledged or not) completes: none is stuck behind a dead process's lease. */
    private void awaitAllRunsCompleted(int trial, long seed) throws Exception {
        long deadline = System.nanoTime() + RUNS_TIMEOUT.toNanos();
        Map<String, String> open = new LinkedHashMap<>();
        do {
            open.clear();
            for (JsonNode run : allRuns()) {
                String state = run.get("state").asText();
                if (!state.equals("completed")) open.put(run.get("id").asText(), state + " " + run.get("error"));
            }
            if (open.values().stream().noneMatch(s -> !terminal(s.split(" ")[0]))) break;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(open).as("runs not completed after restart, trial %d (seed %d)%n%s", trial, seed, tail()).isEmpty();
    }

    private List<JsonNode> allRuns() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = send(get(RUNS + "?limit=100" + (cursor == null ? "" : "&cursor=" + enc(cursor))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.body());
            page.get("items").forEach(out::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    private static boolean terminal(String state) {
        return state.equals("completed") || state.equals("cancelled") || state.equals("error");
    }

    private void start(Path data, int trial) throws Exception {
        node = NodeProcess.start("serve-" + trial, dir, Map.of("SCHEDULER_SIM_LATENCY_MS", "0",
                        "SCHEDULER_SEGMENT_SIZE", "1", "SCHEDULER_SEED", "9"), CHILD_JVM,
                "serve", "--port", "0", "--data-dir", data.toString());
        port = Integer.parseInt(node.await(LISTENING, START_TIMEOUT));
    }

    private static String mintToken(Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[]{"token", "--tenant", TENANT, "--data-dir", data.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    private HttpRequest.Builder json(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    }

    private HttpRequest get(String path) {
        return json(path).GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String tail() {
        String out = node.output();
        return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
    }

    /** A random pause of up to tens of milliseconds: where the kill lands, not a wait for anything to happen. */
    private static void sleepMicros(int micros) throws InterruptedException {
        Thread.sleep(micros / 1000, (micros % 1000) * 1000);
    }
}
