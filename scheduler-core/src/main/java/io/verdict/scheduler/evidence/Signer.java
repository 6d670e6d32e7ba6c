package io.verdict.scheduler.evidence;

/** Signs evidence (DSSE). The key never leaves the implementation; {@code keyId} names it in envelopes. */
public interface Signer {
    String keyId();

    byte[] sign(byte[] data);

    /** The public key receivers verify with; null when this signer does not publish one (e.g. an HSM adapter). */
    default SigningKey publicKey() {
        return null;
    }
}
