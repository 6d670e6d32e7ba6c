package io.verdict.scheduler.runs;

/** One of the most important findings behind a delta. */
public record TopFinding(String purl, String vulnerabilityId, Severity severity, boolean kev) {}
