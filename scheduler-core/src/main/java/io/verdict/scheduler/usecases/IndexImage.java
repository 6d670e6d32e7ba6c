package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.schedules.Caller;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Indexing (or re-indexing) an image's SBOM components: durably first, then in this instance's index; audited. */
public final class IndexImage {
    public record Command(Caller caller, ImageRecord image) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(image, "image");
            if (!image.tenantId().equals(caller.tenantId())) {
                throw io.verdict.scheduler.errors.ValidationException.of("tenantId", "must be the caller's tenant");
            }
        }
    }

    public record Result(String digest, int components, Instant indexBuiltAt) {}

    private final ImageStore images;
    private final ImpactIndex index;
    private final AuditTrail audit;

    IndexImage(ImageStore images, ImpactIndex index, AuditTrail audit) {
        this.images = images;
        this.index = index;
        this.audit = audit;
    }

    public Result execute(Command c) {
        ImageRecord image = c.image();
        images.save(image);
        index.upsert(image);
        audit.record(image.tenantId(), c.caller().actor(), "image.index", image.digest(), c.caller().correlationId(),
                Map.of("components", Integer.toString(image.components().size())));
        return new Result(image.digest(), image.components().size(), index.builtAt());
    }
}
