package io.verdict.scheduler.http.api.intake;

import io.javalin.http.Context;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.api.intake.IntakeJson.ComponentJson;
import io.verdict.scheduler.http.api.intake.IntakeJson.EventAccepted;
import io.verdict.scheduler.http.api.intake.IntakeJson.EventBody;
import io.verdict.scheduler.http.api.intake.IntakeJson.ImageBody;
import io.verdict.scheduler.http.api.intake.IntakeJson.ImageIndexed;
import io.verdict.scheduler.http.api.intake.documents.IntakeDocuments;
import io.verdict.scheduler.http.api.intake.documents.PurlFields;
import io.verdict.scheduler.http.api.intake.documents.SbomDocuments;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.routes.RouteTable;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.usecases.IndexImage;
import io.verdict.scheduler.usecases.IngestEvent;
import io.verdict.scheduler.usecases.RemoveImage;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Intake webhooks ({@code /events/advisory|vex|policy}) and the image index ({@code PUT|DELETE /images/{digest}}). */
public final class IntakeRoutes {
    public static final String EVENTS = Api.BASE + "/events";
    public static final String IMAGES = Api.BASE + "/images";
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern VULN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final int MAX_PURLS = 10_000;

    private IntakeRoutes() {}

    public static void register(RouteTable routes, Api api) {
        routes.post(EVENTS + "/advisory", Scope.RUNS_WRITE, (ctx, rc) -> event(ctx, rc, api, IntakeEvent.Source.CONCELIER));
        routes.post(EVENTS + "/vex", Scope.RUNS_WRITE, (ctx, rc) -> event(ctx, rc, api, IntakeEvent.Source.EXCITITOR));
        routes.post(EVENTS + "/policy", Scope.RUNS_WRITE, (ctx, rc) -> event(ctx, rc, api, IntakeEvent.Source.POLICY));

        routes.put(IMAGES + "/{digest}", Scope.RUNS_WRITE, (ctx, rc) -> {
            String digest = Params.digest(ctx);
            if (SbomDocuments.handles(ctx)) { SbomDocuments.index(ctx, rc, api, digest); return; } // CycloneDX / SPDX
            ImageRecord image = image(rc.tenantId(), digest, api.bodies().read(ctx, ImageBody.class));
            IndexImage.Result r = api.useCases().indexImage().execute(new IndexImage.Command(Api.caller(rc), image));
            api.responses().ok(ctx, new ImageIndexed(r.digest(), r.components(), r.indexBuiltAt()));
        });

        routes.delete(IMAGES + "/{digest}", Scope.RUNS_WRITE, (ctx, rc) -> {
            String digest = Params.digest(ctx);
            switch (api.useCases().removeImage().execute(new RemoveImage.Command(Api.caller(rc), digest))) {
                case RemoveImage.Result.Removed removed -> ctx.status(204);
                case RemoveImage.Result.NotIndexed missing -> throw ApiProblem.notFound("image " + digest + " not found");
            }
        });
    }

    private static void event(Context ctx, RequestContext rc, Api api, IntakeEvent.Source source) {
        IntakeDocuments.Read document = IntakeDocuments.event(ctx, api.bodies(), source); // native body, or OSV translated
        EventBody b = document.body();
        // The core's per-event bounds first: a body within the byte limit can still carry a pair explosion.
        io.verdict.scheduler.intake.IntakeLimits.check(b.purls(), b.vulnerabilityIds(), b.priorityPurls());
        FieldErrors errors = new FieldErrors();
        String eventId = errors.text("eventId", b.eventId(), true, 128);
        if (eventId != null && !EVENT_ID.matcher(eventId).matches()) errors.add("eventId", "use letters, digits and . _ : -");
        if (eventId != null && eventId.startsWith(IngestEvent.RESERVED_PREFIX)) {
            errors.add("eventId", "the prefix " + IngestEvent.RESERVED_PREFIX + " is reserved");
        }
        if (b.tenantId() != null && !b.tenantId().equals(rc.tenantId())) {
            errors.add("tenantId", "must be the caller's tenant (or omitted)");
        }
        List<String> purls = purls(errors, "purls", b.purls());
        List<String> priority = purls(errors, "priorityPurls", b.priorityPurls());
        List<String> vulns = errors.texts("vulnerabilityIds", b.vulnerabilityIds(), MAX_PURLS, 64);
        for (int i = 0; i < vulns.size(); i++) {
            if (!VULN_ID.matcher(vulns.get(i)).matches()) errors.add("vulnerabilityIds[" + i + "]", "malformed ID");
        }
        String exportId = errors.text("exportId", b.exportId(), false, 256);
        String policyRevision = errors.text("policyRevision", b.policyRevision(), false, 128);
        if (source == IntakeEvent.Source.POLICY) {
            if (policyRevision == null && b.policyRevision() == null) errors.add("policyRevision", "required for policy events");
            if (exportId != null) errors.add("exportId", "not used by policy events (use policyRevision)");
        } else {
            if (b.policyRevision() != null) errors.add("policyRevision", "only policy events carry a policy revision");
            if (purls.isEmpty() && vulns.isEmpty() && (b.purls() == null || b.purls().isEmpty())
                    && (b.vulnerabilityIds() == null || b.vulnerabilityIds().isEmpty())) {
                errors.add("purls", "an event must name changed purls or vulnerabilityIds");
            }
        }
        if (!priority.isEmpty() && !new HashSet<>(purls).containsAll(priority)) {
            errors.add("priorityPurls", "must be a subset of purls");
        }
        Instant occurredAt = null;
        if (b.occurredAt() != null) {
            try {
                occurredAt = Instant.parse(b.occurredAt());
            } catch (DateTimeParseException e) {
                errors.add("occurredAt", "must be an ISO-8601 UTC timestamp");
            }
        }
        errors.throwIfAny();

        IngestEvent.Result result = api.useCases().ingestEvent().execute(new IngestEvent.Command(Api.caller(rc), eventId,
                source, Set.copyOf(purls), Set.copyOf(vulns), Set.copyOf(priority),
                source == IntakeEvent.Source.POLICY ? policyRevision : exportId, occurredAt));
        switch (result) {
            case IngestEvent.Result.Accepted r -> api.responses().json(ctx, r.duplicate() ? 200 : 202,
                    new EventAccepted(eventId, r.runId().orElse(null), r.duplicate(), r.unresolvedVulnerabilityIds(),
                            document.warnings()));
            case IngestEvent.Result.RateLimited r -> throw ApiProblem.tooManyRequests(
                    "intake rate limit for tenant " + rc.tenantId() + " exceeded; retry shortly", r.retryAfter());
            case IngestEvent.Result.CatalogFull r -> throw ApiProblem.conflict("the advisory catalog of tenant "
                    + rc.tenantId() + " holds its maximum of " + r.maxIdsPerTenant()
                    + " vulnerability IDs; send the event with purls only");
        }
    }

    private static List<String> purls(FieldErrors errors, String field, List<String> values) {
        return PurlFields.queries(errors, field, values, MAX_PURLS);
    }

    static ImageRecord image(String tenant, String digest, ImageBody b) {
        FieldErrors errors = new FieldErrors();
        String registry = errors.text("registry", b.registry(), false, 253);
        String repository = errors.text("repository", b.repository(), false, 512);
        List<String> ns = errors.texts("namespaces", b.namespaces(), 100, 253);
        List<String> tags = errors.texts("tags", b.tags(), 1000, 128);
        Map<String, String> labels = new TreeMap<>();
        if (b.labels() != null) {
            if (b.labels().size() > 200) errors.add("labels", "at most 200 labels");
            b.labels().forEach((k, v) -> {
                String key = errors.text("labels." + k, k, true, 253);
                String val = v == null ? null : errors.text("labels." + k, v, false, 1024);
                if (v == null) errors.add("labels." + k, "must be a string");
                if (key != null && val != null) labels.put(key, val);
            });
        }
        List<Component> components = new ArrayList<>();
        if (b.components() == null) {
            errors.add("components", "required (may be empty)");
        } else if (b.components().size() > 100_000) {
            errors.add("components", "at most 100000 components");
        } else {
            for (int i = 0; i < b.components().size(); i++) {
                ComponentJson c = b.components().get(i);
                if (c == null) {
                    errors.add("components[" + i + "]", "must be an object {purl, usedByEntrypoint}");
                    continue;
                }
                String purl = PurlFields.component(errors, "components[" + i + "].purl", c.purl());
                if (purl != null) components.add(new Component(purl, c.usedByEntrypoint() != null && c.usedByEntrypoint()));
            }
        }
        errors.throwIfAny();
        return new ImageRecord(tenant, digest, registry, repository, ns, tags, labels, components);
    }
}
