package io.verdict.scheduler.execution;

/**
 * The scanner/policy backend that computes verdicts ({@code POST /api/v1/reports}). Implementations: an HTTP
 * client and {@code SimulatedScanner}. Throws {@link ScannerException} subtypes.
 */
public interface Scanner {
    ScanReport analyze(ScanRequest request);
}
