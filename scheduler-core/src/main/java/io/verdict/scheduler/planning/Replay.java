package io.verdict.scheduler.planning;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;
import io.verdict.scheduler.evidence.DeterministicTar;
import io.verdict.scheduler.evidence.EvidenceBundle;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.PlanInputs;
import io.verdict.scheduler.runs.PlanInputsJson;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-plans a run from its evidence alone — no index, no store, no clock: rebuilds the plan request from the
 * manifest's {@code run} and {@code inputs}, takes the recorded sorted targets from {@code targets.json}, and
 * runs the same ordering, cap, cut and digest as the {@link Planner} ({@link PlanShape}). The run is reproduced
 * when the recomputed digest equals the manifest's {@code planDigest} and the run ID is the one its recorded
 * instant and nonce give.
 */
public final class Replay {
    private Replay() {}

    /**
     * @param recordedDigest the manifest's {@code planDigest}
     * @param replayedDigest the digest re-planning gave, null when the inputs could not be read
     * @param problems       why it was not reproduced (empty when it was)
     */
    public record Result(boolean reproduced, String runId, String recordedDigest, String replayedDigest,
                         int targets, int segments, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runId", runId);
            m.put("reproduced", reproduced);
            m.put("recordedPlanDigest", recordedDigest);
            m.put("replayedPlanDigest", replayedDigest);
            m.put("targets", targets);
            m.put("segments", segments);
            m.put("problems", problems);
            return m;
        }
    }

    /** Replays an evidence bundle (the tar.gz {@code GET /console/runs/{id}/evidence/bundle} gives). */
    public static Result bundle(byte[] tarGz) {
        Map<String, byte[]> files;
        try {
            files = DeterministicTar.read(tarGz);
        } catch (IllegalArgumentException e) {
            return failed(null, null, "not an evidence bundle: " + e.getMessage());
        }
        byte[] manifest = files.get("manifest.json");
        if (manifest == null) return failed(null, null, "bundle lacks manifest.json");
        return manifest(manifest, files.get(EvidenceBundle.TARGETS_FILE));
    }

    /** Replays a manifest and its {@code targets.json} (null when the bundle has none). */
    @SuppressWarnings("unchecked")
    public static Result manifest(byte[] manifestJson, byte[] targetsJson) {
        Map<String, Object> manifest;
        try {
            manifest = (Map<String, Object>) JsonReader.parse(new String(manifestJson, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return failed(null, null, "manifest.json is not JSON: " + e.getMessage());
        }
        Map<String, Object> run = manifest.get("run") instanceof Map<?, ?> r ? (Map<String, Object>) r : Map.of();
        Map<String, Object> inputs = manifest.get("inputs") instanceof Map<?, ?> i ? (Map<String, Object>) i : Map.of();
        String runId = (String) run.get("id");
        String recorded = (String) manifest.get("planDigest");
        if (!Boolean.TRUE.equals(inputs.get("recordedAtPlanning"))) {
            return failed(runId, recorded, "the manifest has no plan inputs recorded at planning (run planned by an "
                    + "older version); it cannot be replayed");
        }
        if (targetsJson == null) return failed(runId, recorded, "bundle lacks " + EvidenceBundle.TARGETS_FILE);
        List<String> problems = new ArrayList<>();
        Object targetsRef = inputs.get("targets");
        String expectedSha = targetsRef instanceof Map<?, ?> t ? (String) t.get("sha256") : null;
        if (!CanonicalJson.sha256Hex(targetsJson).equals(expectedSha)) {
            problems.add(EvidenceBundle.TARGETS_FILE + " does not match the digest in the manifest's inputs");
        }
        try {
            Map<String, Object> t = (Map<String, Object>) JsonReader.parse(new String(targetsJson, StandardCharsets.UTF_8));
            PlanInputs p = PlanInputsJson.fromMap(inputs);
            List<String> targets = strings(t.get("targets"), "targets.json targets");
            List<String> priority = strings(t.get("priorityTargets"), "targets.json priorityTargets");
            String tenantId = (String) run.get("tenantId");
            Trigger trigger = Trigger.fromWire((String) run.get("trigger"))
                    .orElseThrow(() -> new IllegalArgumentException("run.trigger is unknown"));
            Mode mode = Mode.fromWire((String) run.get("mode"))
                    .orElseThrow(() -> new IllegalArgumentException("run.mode is unknown"));
            RunReason reason = new RunReason((String) inputs.get("manualReason"), (String) inputs.get("concelierExportId"),
                    (String) inputs.get("excititorExportId"), (String) inputs.get("cursor"),
                    (String) inputs.get("impactWindowFrom"), (String) inputs.get("impactWindowTo"),
                    (String) inputs.get("policyRevision"), (String) inputs.get("correlationId"));
            PlanRequest req = new PlanRequest(tenantId, trigger, mode, p.selector(), p.purls(), p.allImages(),
                    p.usageOnly(), reason, (String) run.get("scheduleId"), (String) run.get("retryOf"),
                    p.priorityPurls(), p.onlyIfLastReportOlderThanDays(), p.maxJobs());
            PlanShape.Shape shape = PlanShape.of(req, p.segmentSize(), targets, new HashSet<>(priority));
            if (!shape.planDigest().equals(recorded)) problems.add("re-planned digest differs from the recorded planDigest");
            String expectedId = runId(tenantId, p.plannedAt(), p.idNonce());
            if (!expectedId.equals(runId)) {
                problems.add("run ID " + runId + " is not the one its recorded instant and nonce give (" + expectedId + ")");
            }
            return new Result(problems.isEmpty(), runId, recorded, shape.planDigest(), shape.targets().size(),
                    shape.segments().size(), problems);
        } catch (RuntimeException e) {
            return failed(runId, recorded, "cannot re-plan from the manifest: " + e.getMessage());
        }
    }

    private static List<String> strings(Object o, String field) {
        if (!(o instanceof List<?> list)) throw new IllegalArgumentException(field + " must be a list");
        List<String> out = new ArrayList<>(list.size());
        for (Object v : list) out.add((String) v);
        return out;
    }

    private static String runId(String tenantId, Instant at, String nonce) {
        return "run:" + tenantId + ":" + RunIdGenerator.stamp(at) + ":" + nonce;
    }

    private static Result failed(String runId, String recorded, String problem) {
        return new Result(false, runId, recorded, null, 0, 0, List.of(problem));
    }
}
