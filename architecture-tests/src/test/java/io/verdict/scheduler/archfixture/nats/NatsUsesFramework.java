package io.verdict.scheduler.archfixture.nats;

import org.assertj.core.api.Assertions;

/** Breaks rule 6 only: the NATS adapter pulling in a library that is neither the NATS client nor the JDK. */
public class NatsUsesFramework {
    public void verify(int size) {
        Assertions.assertThat(size).isPositive();
    }
}
