package io.verdict.scheduler.evidence;

/**
 * The public half of an evidence signer, for receivers that verify DSSE signatures of bundles and completion events.
 *
 * @param keyId     as in the DSSE envelopes' {@code signatures[].keyid}
 * @param algorithm JCA name ({@code Ed25519})
 * @param publicKey base64 of the X.509 SubjectPublicKeyInfo (DER) — the content of {@code evidence-ed25519.pub}
 */
public record SigningKey(String keyId, String algorithm, String publicKey) {
    /** The same key as PEM, which openssl and most libraries read directly. */
    public String pem() {
        StringBuilder sb = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
        for (int i = 0; i < publicKey.length(); i += 64) sb.append(publicKey, i, Math.min(publicKey.length(), i + 64)).append('\n');
        return sb.append("-----END PUBLIC KEY-----\n").toString();
    }
}
