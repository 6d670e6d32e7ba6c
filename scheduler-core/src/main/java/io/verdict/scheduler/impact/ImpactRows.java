package io.verdict.scheduler.impact;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The rows of an {@link ImpactSet} as built by {@link ImpactIndex#resolve}: an immutable list over an array
 * nobody else holds, so the set can keep it as it is instead of copying ~100,000 references once more.
 */
final class ImpactRows extends AbstractList<ImpactedImage> implements RandomAccess {
    private final ImpactedImage[] rows;

    /** @param rows a fresh array without nulls, owned by this list from now on */
    ImpactRows(ImpactedImage[] rows) {
        this.rows = rows;
    }

    @Override
    public ImpactedImage get(int index) {
        return rows[index];
    }

    @Override
    public int size() {
        return rows.length;
    }
}
