package io.verdict.scheduler.intake;

import java.time.Instant;

/** Last processed intake event per tenant and source, so intake resumes where it stopped. */
public record Cursor(String tenantId, String source, String lastEventId, Instant lastEventAt) {}
