package io.verdict.scheduler.contracts;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Trigger;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two scheduler instances on one store (any adapter): an image indexed, re-indexed or removed through one is used by
 * the other's planner once it follows the store's image change log.
 */
public final class TwoInstancesScenario {
    public static final String PURL = "pkg:npm/left-pad@1.3.0";
    public static final String D1 = "sha256:" + "1".repeat(64);

    private TwoInstancesScenario() {}

    public static ImageRecord image(String digest, String purl) {
        return new ImageRecord("acme", digest, "r", "acme/app", List.of("payments"), List.of("1"), Map.of(),
                List.of(new Component(purl, false)));
    }

    public static int impacted(Scheduler s, String purl) {
        return s.preview(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of(purl), null)).total();
    }

    /** Runs the scenario over two schedulers sharing one store (in memory here, Mongo in the Mongo module). */
    public static void indexedAndRemovedImagesReachTheOtherInstance(Scheduler a, Scheduler b) {
        a.indexImage(image(D1, PURL));
        assertThat(impacted(a, PURL)).isEqualTo(1);
        assertThat(impacted(b, PURL)).as("not followed yet").isZero();
        assertThat(b.refreshIndex()).isEqualTo(1);
        assertThat(impacted(b, PURL)).isEqualTo(1);
        assertThat(a.refreshIndex()).as("its own change is already applied").isZero();

        a.indexImage(image(D1, "pkg:npm/right-pad@1.0.0"));
        b.refreshIndex();
        assertThat(impacted(b, PURL)).as("re-indexed without the purl").isZero();
        assertThat(impacted(b, "pkg:npm/right-pad@1.0.0")).isEqualTo(1);

        assertThat(b.removeImage("acme", D1)).isTrue();
        a.refreshIndex();
        assertThat(impacted(a, "pkg:npm/right-pad@1.0.0")).as("removed through b").isZero();
        assertThat(b.refreshIndex()).isZero();
    }

}
