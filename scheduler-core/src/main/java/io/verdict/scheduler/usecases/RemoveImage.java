package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.impact.ImageStore;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.schedules.Caller;

import java.util.Map;
import java.util.Objects;

/** Removing an image from the index (durably and in this instance's index); audited when something was removed. */
public final class RemoveImage {
    public record Command(Caller caller, String digest) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(digest, "digest");
        }
    }

    public sealed interface Result {
        record Removed(String digest) implements Result {}

        record NotIndexed(String digest) implements Result {}
    }

    private final ImageStore images;
    private final ImpactIndex index;
    private final AuditTrail audit;

    RemoveImage(ImageStore images, ImpactIndex index, AuditTrail audit) {
        this.images = images;
        this.index = index;
        this.audit = audit;
    }

    public Result execute(Command c) {
        String tenant = c.caller().tenantId();
        boolean stored = images.delete(tenant, c.digest());
        boolean indexed = index.remove(tenant, c.digest());
        if (!stored && !indexed) return new Result.NotIndexed(c.digest());
        audit.record(tenant, c.caller().actor(), "image.remove", c.digest(), c.caller().correlationId(), Map.of());
        return new Result.Removed(c.digest());
    }
}
