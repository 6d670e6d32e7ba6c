package io.verdict.scheduler.http.routes;

import io.javalin.http.Context;
import io.verdict.scheduler.http.json.JsonCodec;

/** Writes JSON answers with the API's one JSON configuration. */
public final class Responses {
    public static final String JSON = "application/json";

    private final JsonCodec json;

    public Responses(JsonCodec json) {
        this.json = json;
    }

    public void json(Context ctx, int status, Object body) {
        ctx.status(status);
        ctx.contentType(JSON);
        ctx.result(json.write(body));
    }

    public void ok(Context ctx, Object body) {
        json(ctx, 200, body);
    }

    public JsonCodec codec() {
        return json;
    }
}
