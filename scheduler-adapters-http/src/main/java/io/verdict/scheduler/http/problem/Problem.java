package io.verdict.scheduler.http.problem;

import java.util.List;

/**
 * RFC 9457 problem details as the API sends them: {@code type}, {@code title}, {@code status}, {@code detail},
 * {@code code}, {@code errors[]} (always present, possibly empty), the request's {@code correlationId} and, on a
 * 429, {@code retryAfter} (seconds, the same as the {@code Retry-After} header).
 */
public record Problem(String type, String title, int status, String detail, String code, List<FieldMessage> errors,
                      String correlationId, Long retryAfter) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldMessage(String field, String message) {}

    public Problem {
        errors = List.copyOf(errors);
    }

    public static String typeFor(String code) {
        return "urn:verdict:scheduler:error:" + code;
    }
}
