package io.verdict.scheduler.intake;

import java.util.Optional;

/** What intake did with an event: planned a run (maybe empty), or recognised a duplicate. */
public record IntakeResult(String eventId, Optional<String> runId, boolean duplicate) {}
