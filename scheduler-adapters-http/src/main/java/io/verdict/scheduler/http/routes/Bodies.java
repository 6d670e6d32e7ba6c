package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;
import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.http.problem.ApiProblem;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads JSON request bodies: JSON content type (or none), at most {@code maxBytes} (413 otherwise, decided
 * from Content-Length when given and by counting when chunked), then strict parsing.
 */
public final class Bodies {
    private final JsonCodec json;
    private final long maxBytes;

    public Bodies(JsonCodec json, long maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    public <T> T read(Context ctx, Class<T> type) {
        return json.read(bytes(ctx), type);
    }

    /** The raw body with the size and media-type checks applied (for endpoints that accept an empty body). */
    public byte[] bytes(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType != null && !isJson(contentType)) {
            throw new ApiProblem(415, "the body must be application/json (got " + trim(contentType) + ")");
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) throw tooLarge();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) throw tooLarge();
            return body;
        } catch (IOException e) {
            throw new ApiProblem(400, "ERR_API_400", "the request body could not be read", java.util.List.of(),
                    java.util.Map.of());
        }
    }

    public boolean isEmpty(byte[] body) {
        for (byte b : body) if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        return true;
    }

    public JsonCodec json() {
        return json;
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(413, "ERR_API_413", "the body exceeds " + maxBytes + " bytes", java.util.List.of(),
                java.util.Map.of());
    }

    private static boolean isJson(String contentType) {
        String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"));
    }

    private static String trim(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
