package io.verdict.scheduler.archfixture.impact;

import org.assertj.core.api.Assertions;

/** Breaks rule 1 only: the core pulling in a third-party library that is not RoaringBitmap or cron-utils. */
public class IndexUsesFramework {
    public void verify(int size) {
        Assertions.assertThat(size).isPositive();
    }
}
