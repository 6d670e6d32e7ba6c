package io.verdict.scheduler.events;

import java.time.Instant;
import java.util.Map;

/**
 * Outbound event for downstream systems (Notify, ticketing): kinds {@code scheduler.run.started},
 * {@code scheduler.run.completed}, {@code scheduler.run.failed}, {@code scheduler.rescan.delta},
 * {@code scheduler.report.ready}. {@code payload} is plain data (maps, lists, strings, numbers, booleans).
 */
public record EventEnvelope(String eventId, String kind, int version, String tenant, Instant occurredAt,
                            String correlationId, String idempotencyKey, Map<String, Object> payload) {}
