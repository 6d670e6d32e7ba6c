package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.VerdictStore;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryVerdictStore implements VerdictStore {
    private final ConcurrentHashMap<String, ScanReport> latest = new ConcurrentHashMap<>();

    @Override
    public Optional<ScanReport> latest(String tenantId, String imageDigest) {
        return Optional.ofNullable(latest.get(tenantId + "|" + imageDigest));
    }

    @Override
    public void save(String tenantId, ScanReport report) {
        latest.put(tenantId + "|" + report.imageDigest(), report);
    }

    @Override
    public java.util.Map<String, ScanReport> latestAll(String tenantId, java.util.Collection<String> digests) {
        java.util.Map<String, ScanReport> out = new java.util.LinkedHashMap<>();
        for (String d : digests) {
            ScanReport r = latest.get(tenantId + "|" + d);
            if (r != null) out.put(d, r);
        }
        return out;
    }

    @Override
    public void saveAll(String tenantId, java.util.List<ScanReport> reports) {
        for (ScanReport r : reports) latest.put(tenantId + "|" + r.imageDigest(), r);
    }
}
