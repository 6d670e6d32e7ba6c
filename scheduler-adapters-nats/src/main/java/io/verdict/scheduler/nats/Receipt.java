package io.verdict.scheduler.nats;

/**
 * What a {@link io.verdict.scheduler.queue.Lease#receipt()} carries on NATS, as {@code <revision> <seq> <reply>}:
 * the revision of the queue record the lease wrote, the stream sequence of its message, and the JetStream ack subject of its
 * delivery. With it ack, renew, retry and dead-letter are one revision-checked write each, without reading the
 * record first: any change by anyone else (reclaim, another claim) has moved the revision on, so a stale lease's
 * write is refused by the server.
 */
record Receipt(long revision, long seq, String reply) {
    static Receipt parse(String receipt) {
        String[] p = receipt == null ? new String[0] : receipt.split(" ", 3);
        if (p.length != 3) throw new IllegalArgumentException("not a NATS lease receipt: " + receipt);
        return new Receipt(Long.parseLong(p[0]), Long.parseLong(p[1]), p[2]);
    }

    Receipt at(long newRevision) {
        return new Receipt(newRevision, seq, reply);
    }

    @Override
    public String toString() {
        return revision + " " + seq + " " + reply;
    }
}
