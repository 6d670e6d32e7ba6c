package io.verdict.scheduler.execution;

import io.verdict.scheduler.runs.Mode;

/** What a worker asks the scanner for one target. */
public record ScanRequest(String tenantId, String imageDigest, Mode mode, String policyRevision) {}
