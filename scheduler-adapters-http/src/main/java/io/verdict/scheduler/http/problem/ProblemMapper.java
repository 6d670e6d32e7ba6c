package io.verdict.scheduler.http.problem;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.SchedulerException;
import io.verdict.scheduler.errors.ValidationException;

import java.util.List;
import java.util.Map;

/**
 * Maps failures to HTTP statuses. Domain codes keep their SPEC code in the body; the status says how a client
 * should react: 4xx fix the request, 409 re-read and retry, 429/503 come back later.
 */
public final class ProblemMapper {
    private ProblemMapper() {}

    /** What the client gets: status, code, detail, field errors and extra headers. */
    public record Mapped(int status, String code, String title, String detail,
                         List<ValidationException.FieldError> errors, Map<String, String> headers, Long retryAfter) {
        public Mapped(int status, String code, String title, String detail, List<ValidationException.FieldError> errors,
                      Map<String, String> headers) {
            this(status, code, title, detail, errors, headers, null);
        }
    }

    public static Mapped map(Throwable t) {
        if (t instanceof ApiProblem p) {
            return new Mapped(p.status(), p.code(), titleFor(p.code(), p.status()), p.getMessage(), p.errors(), p.headers(),
                    p.retryAfter());
        }
        if (t instanceof ValidationException v) {
            return new Mapped(400, v.code().name(), v.code().title(), v.getMessage(), v.errors(), Map.of());
        }
        if (t instanceof io.verdict.scheduler.errors.LimitExceededException l) {
            return new Mapped(413, l.code().name(), l.code().title(), l.getMessage(), l.errors(), Map.of());
        }
        if (t instanceof SchedulerException s) {
            ErrorCode c = s.code();
            return new Mapped(statusOf(c), c.name(), c.title(), s.getMessage(), List.of(), headersOf(c));
        }
        return new Mapped(500, "ERR_INTERNAL", "internal error",
                "unexpected server error; the correlation ID identifies it in the logs", List.of(), Map.of());
    }

    /**
     * ERR_RUN_009 (index stale) is 503: the request is valid, the service cannot honour it until its index is
     * refreshed, and retrying later succeeds without changing anything. ERR_RUN_001 (planner lock held) is 409:
     * another planner is working on the same tenant right now.
     */
    static int statusOf(ErrorCode c) {
        return switch (c) {
            case ERR_API_400 -> 400;
            case ERR_API_401 -> 401;
            case ERR_API_403 -> 403;
            case ERR_API_404 -> 404;
            case ERR_API_409, ERR_RUN_001, ERR_RUN_008 -> 409;
            case ERR_API_413 -> 413;
            case ERR_API_429 -> 429;
            case ERR_RUN_002 -> 422;
            case ERR_RUN_009, ERR_RUN_003, ERR_API_503 -> 503;
            case ERR_RUN_004 -> 502;
            case ERR_RUN_005 -> 504;
            case ERR_RUN_006, ERR_RUN_007 -> 409;
        };
    }

    private static Map<String, String> headersOf(ErrorCode c) {
        return switch (c) {
            case ERR_RUN_001, ERR_API_429 -> Map.of("Retry-After", "1");
            // Queue/locks unreachable: the circuit breaker probes again within seconds.
            case ERR_API_503 -> Map.of("Retry-After", "2");
            case ERR_RUN_009, ERR_RUN_003 -> Map.of("Retry-After", "30");
            default -> Map.of();
        };
    }

    private static String titleFor(String code, int status) {
        for (ErrorCode c : ErrorCode.values()) if (c.name().equals(code)) return c.title();
        return switch (status) {
            case 405 -> "method not allowed";
            case 406 -> "not acceptable";
            case 415 -> "unsupported media type";
            case 501 -> "not implemented";
            default -> "error";
        };
    }
}
