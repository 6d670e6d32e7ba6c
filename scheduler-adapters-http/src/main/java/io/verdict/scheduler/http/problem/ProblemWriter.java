package io.verdict.scheduler.http.problem;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.http.routes.CorrelationIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Renders any failure as {@code application/problem+json}; unexpected ones are logged with the correlation ID. */
public final class ProblemWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemWriter.class);
    private final JsonCodec json;

    public ProblemWriter(JsonCodec json) {
        this.json = json;
    }

    public void write(Context ctx, Throwable t) {
        ProblemMapper.Mapped m = t instanceof HttpResponseException h ? fromJavalin(h) : ProblemMapper.map(t);
        String correlationId = CorrelationIds.of(ctx);
        if (m.status() >= 500 && m.status() != 501 && m.status() != 503) {
            LOG.error("request failed [correlationId={} {} {}]", correlationId, ctx.method(), ctx.path(), t);
        } else if (m.status() == 409) {
            // Expected contention (planner lock held, version conflict): one line with the code, no stack trace.
            LOG.warn("{} {} {}: {} [correlationId={}]", m.status(), m.code(), ctx.method() + " " + ctx.path(),
                    m.detail(), correlationId);
        }
        write(ctx, m, correlationId);
    }

    public void write(Context ctx, ProblemMapper.Mapped m, String correlationId) {
        m.headers().forEach(ctx::header);
        List<Problem.FieldMessage> errors = m.errors().stream()
                .map(e -> new Problem.FieldMessage(e.field(), e.message())).toList();
        Problem p = new Problem(Problem.typeFor(m.code()), m.title(), m.status(), m.detail(), m.code(), errors,
                correlationId, m.retryAfter());
        ctx.status(m.status());
        ctx.contentType(Problem.MEDIA_TYPE);
        ctx.result(json.write(p));
    }

    /** Javalin's own failures: unknown route, method not allowed, body too large. */
    static ProblemMapper.Mapped fromJavalin(HttpResponseException h) {
        int status = h.getStatus();
        String code = "ERR_API_" + status;
        String detail = switch (status) {
            case 404 -> "no such endpoint";
            case 405 -> "method not allowed on this endpoint";
            case 413 -> "the body is too large";
            default -> h.getMessage() == null ? "request failed" : h.getMessage();
        };
        String title = status == 404 ? "not found" : status == 413 ? "payload too large" : status == 405
                ? "method not allowed" : status < 500 ? "bad request" : "error";
        return new ProblemMapper.Mapped(status, code, title, detail, List.<ValidationException.FieldError>of(),
                java.util.Map.of());
    }
}
