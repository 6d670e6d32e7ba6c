package io.verdict.scheduler.events;

import java.time.Instant;

/** A stored run event; {@code seq} is its per-run, strictly increasing ID (the SSE {@code id:}). */
public record RunEventRecord(String tenantId, String runId, long seq, Instant occurredAt, RunEvent event) {}
