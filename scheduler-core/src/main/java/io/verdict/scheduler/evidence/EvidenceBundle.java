package io.verdict.scheduler.evidence;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.PlanInputs;
import io.verdict.scheduler.runs.PlanInputsJson;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.TopFinding;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's evidence: {@code manifest.json} (run, plan digest, segments, stats, inputs, each file's SHA-256 and
 * size), {@code deltas.json}, {@code findings-delta.csv}, {@code policy-summary.json} and
 * {@code attestation.dsse.json} (an in-toto statement over the manifest digest, signed), packed as a
 * deterministic tar.gz. Same run data and key, same bytes.
 */
public final class EvidenceBundle {
    public static final String PREDICATE_TYPE = "https://verdict-scheduler.dev/evidence/run/v1";

    /** The bundled file holding the run's sorted target list (its digest is in the manifest's inputs). */
    public static final String TARGETS_FILE = "targets.json";

    private EvidenceBundle() {}

    /** {@code targets.json}: the sorted targets (segments' digests and those the cap cut off) and the priority subset. */
    public static byte[] targetsFile(PlanInputs p, List<Segment> segments) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("targets", p.targets(segments));
        t.put("priorityTargets", p.priorityTargets());
        return CanonicalJson.bytes(t);
    }

    /**
     * The manifest's {@code inputs}: what the run was planned from, as recorded at planning (index built-at,
     * intake cursors, reason, selector, onlyIf, segment size, maxJobs, the instant and nonce behind the run ID);
     * the target list sits in {@link #TARGETS_FILE}, named here with its digest. A run planned before inputs
     * were recorded falls back to {@code indexBuiltAt} as given (the live index) and says so.
     */
    public static Map<String, Object> inputs(Run run, List<Segment> segments, Instant indexBuiltAt) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        PlanInputs p = run.planInputs();
        if (p != null) {
            inputs.putAll(PlanInputsJson.toMap(p));
            inputs.remove("cappedTargets");
            inputs.remove("priorityTargets");
            byte[] targets = targetsFile(p, segments);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("file", TARGETS_FILE);
            t.put("sha256", CanonicalJson.sha256Hex(targets));
            t.put("count", p.targets(segments).size());
            t.put("cappedCount", p.cappedTargets().size());
            t.put("priorityCount", p.priorityTargets().size());
            inputs.put("targets", t);
            inputs.put("recordedAtPlanning", true);
        } else {
            inputs.put("indexBuiltAt", indexBuiltAt);
            inputs.put("recordedAtPlanning", false);
        }
        inputs.put("cursor", run.reason() == null ? null : run.reason().cursor());
        inputs.put("manualReason", run.reason() == null ? null : run.reason().manualReason());
        inputs.put("concelierExportId", run.reason() == null ? null : run.reason().concelierExportId());
        inputs.put("excititorExportId", run.reason() == null ? null : run.reason().excititorExportId());
        inputs.put("impactWindowFrom", run.reason() == null ? null : run.reason().impactWindowFrom());
        inputs.put("impactWindowTo", run.reason() == null ? null : run.reason().impactWindowTo());
        inputs.put("policyRevision", run.reason() == null ? null : run.reason().policyRevision());
        inputs.put("correlationId", run.reason() == null ? null : run.reason().correlationId());
        return inputs;
    }

    /** The files of the bundle, attestation included. */
    public static Map<String, byte[]> files(Run run, RunStats stats, List<Segment> segments, List<DeltaSummary> deltas,
                                            Instant indexBuiltAt, Signer signer) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("deltas.json", CanonicalJson.bytes(deltas.stream().map(EvidenceBundle::delta).toList()));
        files.put("findings-delta.csv", FindingsCsv.write(run.id(), deltas).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("runId", run.id());
        policy.put("policyRevision", run.reason().policyRevision());
        policy.put("verdictChanges", stats.deltas());
        files.put("policy-summary.json", CanonicalJson.bytes(policy));
        if (run.planInputs() != null) files.put(TARGETS_FILE, targetsFile(run.planInputs(), segments));

        byte[] manifest = CanonicalJson.bytes(manifest(run, stats, segments, indexBuiltAt, files));
        files.put("manifest.json", manifest);
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("_type", "https://in-toto.io/Statement/v1");
        statement.put("subject", List.of(Map.of("name", "manifest.json",
                "digest", Map.of("sha256", CanonicalJson.sha256Hex(manifest)))));
        statement.put("predicateType", PREDICATE_TYPE);
        statement.put("predicate", Map.of("runId", run.id(), "planDigest", run.planDigest(), "state", run.state().wire()));
        files.put("attestation.dsse.json", Dsse.bytes(Dsse.sign(Dsse.IN_TOTO, CanonicalJson.bytes(statement), signer)));
        return files;
    }

    public static byte[] tarGz(Map<String, byte[]> files) {
        return DeterministicTar.write(files);
    }

    public static Map<String, Object> manifest(Run run, RunStats stats, List<Segment> segments, Instant indexBuiltAt,
                                               Map<String, byte[]> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", "scheduler.evidence@1");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", run.id());
        r.put("tenantId", run.tenantId());
        r.put("scheduleId", run.scheduleId());
        r.put("trigger", run.trigger().wire());
        r.put("mode", run.mode().wire());
        r.put("state", run.state().wire());
        r.put("createdAt", run.createdAt());
        r.put("startedAt", run.startedAt());
        r.put("finishedAt", run.finishedAt());
        r.put("retryOf", run.retryOf());
        r.put("shardCount", run.shardCount());
        if (run.error() != null) r.put("error", Map.of("code", run.error().code().name(), "message", run.error().message()));
        m.put("run", r);
        m.put("planDigest", run.planDigest());
        m.put("stats", stats.asMap());
        List<Map<String, Object>> segs = new ArrayList<>();
        for (Segment s : segments) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("index", s.index());
            sm.put("state", s.state().wire());
            sm.put("attempt", s.attempt());
            sm.put("targets", s.size());
            sm.put("digestsSha256", CanonicalJson.sha256Hex(CanonicalJson.bytes(s.digests())));
            segs.add(sm);
        }
        m.put("segments", segs);
        Map<String, Object> inputs = inputs(run, segments, indexBuiltAt);
        m.put("inputs", inputs);
        List<Map<String, Object>> list = new ArrayList<>();
        new TreeMap<>(files).forEach((name, data) -> list.add(Map.of("name", name,
                "sha256", CanonicalJson.sha256Hex(data), "size", data.length)));
        m.put("files", list);
        return m;
    }

    static Map<String, Object> delta(DeltaSummary d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imageDigest", d.imageDigest());
        m.put("newFindings", d.newFindings());
        m.put("newCriticals", d.severity().newCriticals());
        m.put("newHigh", d.severity().newHigh());
        m.put("newMedium", d.severity().newMedium());
        m.put("newLow", d.severity().newLow());
        m.put("resolved", d.severity().resolved());
        m.put("quieted", d.severity().quieted());
        m.put("kevHits", d.kevHits());
        List<Map<String, Object>> top = new ArrayList<>();
        for (TopFinding f : d.topFindings()) {
            top.add(Map.of("purl", f.purl(), "vulnerabilityId", f.vulnerabilityId(), "severity", f.severity().wire(), "kev", f.kev()));
        }
        m.put("topFindings", top);
        m.put("reportUrl", d.reportUrl());
        m.put("detectedAt", d.detectedAt());
        return m;
    }
}
