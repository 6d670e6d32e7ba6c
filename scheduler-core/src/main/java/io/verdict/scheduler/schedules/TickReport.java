package io.verdict.scheduler.schedules;

import java.time.Instant;
import java.util.List;

/**
 * What one call of {@link ScheduleTicker#tick} did on this instance: the decisions it recorded (decisions another
 * instance took for the same fire times are not repeated here) and the schedules it could not handle.
 */
public record TickReport(Instant now, int schedules, List<TickDecision> decisions, List<String> errors) {
    public TickReport {
        decisions = List.copyOf(decisions);
        errors = List.copyOf(errors);
    }

    public long count(TickDecision.Outcome outcome) {
        return decisions.stream().filter(d -> d.outcome() == outcome).count();
    }
}
