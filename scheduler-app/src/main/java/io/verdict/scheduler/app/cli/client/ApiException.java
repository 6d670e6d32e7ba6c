package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An answer of the API that is not a success, described from its problem+json body (title, detail, code and field
 * errors) so the terminal shows what the server said, never a stack trace.
 */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static ApiException of(int status, JsonNode problem, String rawBody) {
        if (problem == null || !problem.isObject()) {
            String body = rawBody == null ? "" : rawBody.strip();
            return new ApiException(status, "HTTP " + status + (body.isEmpty() ? "" : ": " + abbreviate(body)));
        }
        StringBuilder b = new StringBuilder();
        b.append(problem.path("title").asText("HTTP " + status));
        if (problem.hasNonNull("code")) b.append(" [").append(problem.get("code").asText()).append(']');
        b.append(" (HTTP ").append(status).append(')');
        if (problem.hasNonNull("detail")) b.append(": ").append(problem.get("detail").asText());
        for (JsonNode e : problem.path("errors")) {
            b.append(System.lineSeparator()).append("  ").append(e.path("field").asText("?")).append(": ")
                    .append(e.path("message").asText());
        }
        if (problem.hasNonNull("retryAfter")) b.append(System.lineSeparator()).append("  retry after ")
                .append(problem.get("retryAfter").asText());
        return new ApiException(status, b.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
