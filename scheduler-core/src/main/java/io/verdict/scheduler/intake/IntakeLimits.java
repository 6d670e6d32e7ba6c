package io.verdict.scheduler.intake;

import io.verdict.scheduler.errors.LimitExceededException;
import io.verdict.scheduler.errors.ValidationException.FieldError;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Per-event bounds of advisory/VEX intake, so one event cannot exhaust the heap (an event with 10k vulnerability
 * IDs × 10k purls used to add ~3 GB: the catalog kept every ID × purl pair). Every edge that accepts events (HTTP
 * webhook, queue consumer) checks them before learning or planning anything; beyond them the event is refused
 * (413, naming the field) and nothing is stored. Split larger deltas into several events.
 */
public final class IntakeLimits {
    /** Changed purls per event (and priority purls, a subset of them). */
    public static final int MAX_PURLS = 10_000;
    /** Vulnerability IDs per event. */
    public static final int MAX_VULNERABILITY_IDS = 1_000;
    /** Affected version ranges per event, for sources that send them. */
    public static final int MAX_RANGES = 10_000;
    /** Affected products per event (VEX), for sources that send them. */
    public static final int MAX_PRODUCTS = 10_000;
    /** Vulnerability ID × purl pairs one event may teach the advisory catalog. */
    public static final int MAX_ID_PURL_PAIRS = 100_000;
    /** ID × purl pairs the advisory catalog keeps per tenant; beyond it new pairs are not learned. */
    public static final int MAX_CATALOG_PAIRS_PER_TENANT = 1_000_000;

    private IntakeLimits() {}

    /** Throws {@link LimitExceededException} naming every field beyond its bound. */
    public static void check(Collection<String> purls, Collection<String> vulnerabilityIds,
                             Collection<String> priorityPurls) {
        List<FieldError> errors = new ArrayList<>();
        count(errors, "purls", purls, MAX_PURLS);
        count(errors, "priorityPurls", priorityPurls, MAX_PURLS);
        count(errors, "vulnerabilityIds", vulnerabilityIds, MAX_VULNERABILITY_IDS);
        long pairs = (long) size(purls) * size(vulnerabilityIds);
        if (errors.isEmpty() && pairs > MAX_ID_PURL_PAIRS) {
            errors.add(new FieldError("vulnerabilityIds", size(vulnerabilityIds) + " IDs × " + size(purls)
                    + " purls = " + pairs + " pairs; at most " + MAX_ID_PURL_PAIRS + " per event (split the event)"));
        }
        if (!errors.isEmpty()) throw new LimitExceededException(errors);
    }

    /** For sources with ranges or products: one field's count against its bound. */
    public static void checkCount(String field, Collection<?> values, int max) {
        List<FieldError> errors = new ArrayList<>();
        count(errors, field, values, max);
        if (!errors.isEmpty()) throw new LimitExceededException(errors);
    }

    private static void count(List<FieldError> errors, String field, Collection<?> values, int max) {
        if (size(values) > max) errors.add(new FieldError(field, size(values) + " entries; at most " + max + " per event"));
    }

    private static int size(Collection<?> c) {
        return c == null ? 0 : c.size();
    }
}
