package io.verdict.scheduler.http.api.events;

import io.verdict.scheduler.evidence.SigningKey;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.lifecycle.RunLifecycle;

/**
 * {@code GET /api/v1/scheduler/events/signing-key}: the public key that verifies the DSSE signatures of completion
 * events ({@code payload.dsse}) and evidence bundles. Public: it is a public key, and receivers (webhook endpoints,
 * auditors) often hold no scheduler token. The same key is written to {@code <data dir>/evidence-ed25519.pub}.
 */
public final class SigningKeyRoutes {
    private SigningKeyRoutes() {}

    /** {@code available} false (and no key) when the scheduler signs nothing; {@code reason} says why. */
    public record KeyView(boolean available, String keyId, String algorithm, String publicKey, String publicKeyPem,
                          String payloadType, String reason) {}

    public static void register(RouteTable routes, Api api) {
        routes.get(Api.BASE + "/events/signing-key", null, (ctx, rc) -> {
            SigningKey key = api.scheduler().evidenceKey();
            api.responses().ok(ctx, key == null
                    ? new KeyView(false, null, null, null, null, RunLifecycle.COMPLETION_PAYLOAD_TYPE,
                            "no evidence signing key is configured: completion events are unsigned")
                    : new KeyView(true, key.keyId(), key.algorithm(), key.publicKey(), key.pem(),
                            RunLifecycle.COMPLETION_PAYLOAD_TYPE, null));
        });
    }
}
