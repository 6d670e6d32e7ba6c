package io.verdict.scheduler.queue;

import java.time.Instant;

/** A held named lock: owner and a fencing token that grows with every acquisition of that name. */
public record LockLease(String name, String owner, long fencingToken, Instant expiresAt) {}
