package io.verdict.scheduler.http.problem;

import io.verdict.scheduler.errors.ValidationException.FieldError;

import java.util.List;
import java.util.Map;

/**
 * An HTTP-level failure that is not a domain exception (authentication, authorisation, content negotiation,
 * body size, disabled features). Rendered as problem+json like every other error.
 *
 * @param code stable error code ({@code ERR_API_401}, ...); HTTP statuses without a SPEC code use {@code ERR_API_<status>}
 */
public final class ApiProblem extends RuntimeException {
    private final int status;
    private final String code;
    private final List<FieldError> errors;
    private final Map<String, String> headers;
    private final Long retryAfter;

    public ApiProblem(int status, String code, String detail, List<FieldError> errors, Map<String, String> headers) {
        this(status, code, detail, errors, headers, null);
    }

    private ApiProblem(int status, String code, String detail, List<FieldError> errors, Map<String, String> headers,
                       Long retryAfter) {
        super(detail);
        this.retryAfter = retryAfter;
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public ApiProblem(int status, String detail) {
        this(status, "ERR_API_" + status, detail, List.of(), Map.of());
    }

    public static ApiProblem unauthorized(String detail) {
        // RFC 6750: tell the client which scheme to use and that the token was the problem.
        return new ApiProblem(401, "ERR_API_401", detail, List.of(),
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, detail);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, detail);
    }

    public static ApiProblem badRequest(String field, String message) {
        return new ApiProblem(400, "ERR_API_400", field + ": " + message, List.of(new FieldError(field, message)), Map.of());
    }

    /** 409: the request is valid but the target's state does not allow it; the detail says why and what to do. */
    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "ERR_API_409", detail, List.of(), Map.of());
    }

    /** 429 with {@code Retry-After} (whole seconds, at least 1) and the same figure as {@code retryAfter} in the body. */
    public static ApiProblem tooManyRequests(String detail, java.time.Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiProblem(429, "ERR_API_429", detail, List.of(), Map.of("Retry-After", Long.toString(seconds)), seconds);
    }

    public int status() { return status; }

    /** Seconds until a retry may succeed (429 only), else null. */
    public Long retryAfter() { return retryAfter; }

    public String code() { return code; }

    public List<FieldError> errors() { return errors; }

    public Map<String, String> headers() { return headers; }
}
