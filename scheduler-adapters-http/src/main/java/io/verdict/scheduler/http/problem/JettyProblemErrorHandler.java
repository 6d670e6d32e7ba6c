package io.verdict.scheduler.http.problem;

import io.verdict.scheduler.http.json.JsonCodec;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Requests Jetty rejects before any route sees them (undecodable or ambiguous URIs, oversize headers) also get
 * problem+json instead of Jetty's HTML page, so clients parse one error format.
 */
public final class JettyProblemErrorHandler extends ErrorHandler {
    private final JsonCodec json;

    public JettyProblemErrorHandler(JsonCodec json) {
        this.json = json;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int code, String message) {
        String c = "ERR_API_" + code;
        String detail = message == null || message.isBlank() ? "the request was rejected by the HTTP layer" : message;
        return json.write(new Problem(Problem.typeFor(c), code >= 500 ? "error" : "bad request", code, detail, c,
                List.of(), null, null));
    }
}
