package io.verdict.scheduler.usecases;

import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.intake.AdvisoryCatalog;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.runs.Trigger;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Previewing which images purls (or vulnerability IDs, through the advisory catalog) would touch; creates nothing. */
public final class PreviewImpact {
    public record Command(String tenantId, Set<String> purls, Set<String> vulnerabilityIds, Selector selector,
                          boolean usageOnly) {
        public Command {
            Objects.requireNonNull(tenantId, "tenantId");
            purls = purls == null ? Set.of() : Set.copyOf(purls);
            vulnerabilityIds = vulnerabilityIds == null ? Set.of() : Set.copyOf(vulnerabilityIds);
            if (purls.isEmpty() && vulnerabilityIds.isEmpty()) throw ValidationException.of("purls", "give purls[] or vulnerabilityIds[]");
            for (String p : purls) if (!p.startsWith("pkg:")) throw ValidationException.of("purls", "not a package URL: " + p);
            if (selector != null) selector = selector.withTenant(tenantId);
        }
    }

    /** The impact, and the vulnerability IDs the catalog does not know (their purls could not be included). */
    public record Result(ImpactSet impact, List<String> unresolvedVulnerabilityIds) {}

    private final Planner planner;
    private final ImpactIndex index;
    private final AdvisoryCatalog catalog;
    private final Clock clock;

    PreviewImpact(Planner planner, ImpactIndex index, AdvisoryCatalog catalog, Clock clock) {
        this.planner = planner;
        this.index = index;
        this.catalog = catalog;
        this.clock = clock;
    }

    public Result execute(Command c) {
        AdvisoryCatalog.Resolution resolved = catalog.resolve(c.tenantId(), c.vulnerabilityIds());
        Set<String> all = new HashSet<>(c.purls());
        all.addAll(resolved.purls());
        ImpactSet impact = all.isEmpty()
                ? new ImpactSet(c.selector(), List.of(), c.usageOnly(), clock.instant(), 0, index.builtAt())
                : planner.preview(new PlanRequest(c.tenantId(), Trigger.MANUAL, null, c.selector(), all, false,
                        c.usageOnly(), null, null, null, null, null));
        return new Result(impact, resolved.unresolved());
    }
}
