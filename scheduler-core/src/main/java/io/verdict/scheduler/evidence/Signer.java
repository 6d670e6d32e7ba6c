package io.verdict.scheduler.evidence;

/** Signs evidence (DSSE). The key never leaves the implementation; {@code keyId} names it in envelopes. */
public interface Signer {
    String keyId();

    byte[] sign(byte[] data);
}
