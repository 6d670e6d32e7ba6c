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

    /** Request attribute holding a body already read (e.g. to check an intake signature), so it is read once. */
    static final String READ_BODY = "verdict.body";

    /** The raw body with the size and media-type checks applied (for endpoints that accept an empty body). */
    public byte[] bytes(Context ctx) {
        byte[] already = ctx.attribute(READ_BODY);
        if (already != null) return already;
        byte[] body = readOnce(ctx);
        ctx.attribute(READ_BODY, body);
        return body;
    }

    private byte[] readOnce(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType != null && !isJson(contentType)) {
            try (InputStream in = ctx.req().getInputStream()) {
                drain(in);
            } catch (IOException ignored) {
                // the answer is 415 either way
            }
            throw new ApiProblem(415, "the body must be application/json (got " + trim(contentType) + ")");
        }
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > maxBytes) {
                drain(in);
                throw tooLarge();
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                drain(in);
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new ApiProblem(400, "ERR_API_400", "the request body could not be read", java.util.List.of(),
                    java.util.Map.of());
        }
    }

    /**
     * Reads and drops what is left of a refused body, up to a bound, so the 413 reaches the client on a healthy
     * connection instead of a reset mid-upload; a body beyond the bound is cut off with the connection.
     */
    private void drain(InputStream in) throws IOException {
        long left = Math.min(64L << 20, maxBytes * 16);
        byte[] buf = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
    }

    /**
     * After every request: reads what the handler left of the body (a 401 or 404 answered before reading it).
     * Jetty would otherwise close the connection once the response is sent, and a client that already reused
     * it sees a transport error instead of the answer.
     */
    public void drainRemaining(Context ctx) {
        try {
            drain(ctx.req().getInputStream());
        } catch (IOException | IllegalStateException ignored) {
            // nothing left to read, or the connection is already gone
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
