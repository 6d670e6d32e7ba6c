package io.verdict.scheduler.archfixture;

import io.verdict.scheduler.archfixture.queue.SegmentQueue;

/** The fixture core's scheduler builder: takes ports, so wiring can hand adapters' ports straight in. */
public final class Builder {
    public Builder storage(Storage storage) { return this; }

    public Builder queue(SegmentQueue queue) { return this; }
}
