package io.verdict.scheduler.http.api.intake.documents;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.verdict.scheduler.http.api.Api;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Params;
import io.verdict.scheduler.http.routes.RequestContext;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.usecases.IndexImage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /images/{digest}} with an SBOM instead of the scheduler's image body, chosen by Content-Type:
 * CycloneDX JSON 1.4–1.6 ({@code application/vnd.cyclonedx+json}: every {@code components[]} entry, nested ones
 * included, with a {@code purl}) or SPDX 2.3 JSON ({@code application/spdx+json}: every package's
 * {@code externalRefs[]} of type {@code purl}). The answer says how many components were indexed and lists the
 * ones skipped (no purl, invalid purl) with the reason; the image's registry/repository/namespaces/tags come from
 * the query ({@code ?registry=&repository=&namespaces=a,b&tags=x,y}) or, when omitted, stay as indexed before.
 *
 * <p>Limits: {@value #MAX_COMPONENTS} components (413), nesting depth {@value #MAX_DEPTH} (422).
 */
public final class SbomDocuments {
    public static final String CYCLONEDX = "application/vnd.cyclonedx+json";
    public static final String SPDX = "application/spdx+json";
    public static final int MAX_COMPONENTS = 100_000;
    public static final int MAX_DEPTH = 32;

    private SbomDocuments() {}

    public record Skipped(String field, String name, String reason) {}

    public record SbomIndexed(String imageDigest, String format, int components, List<Skipped> skipped,
                              Instant indexBuiltAt) {}

    /** Whether the request carries an SBOM this class reads. */
    public static boolean handles(Context ctx) {
        return format(ctx.contentType()) != null;
    }

    private static String format(String contentType) {
        if (contentType == null) return null;
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return base.equals(CYCLONEDX) ? "cyclonedx" : base.equals(SPDX) ? "spdx" : null;
    }

    /** Reads the SBOM, indexes the image and answers; nothing is indexed when the document is rejected. */
    public static void index(Context ctx, RequestContext rc, Api api, String digest) {
        String format = format(ctx.contentType());
        JsonNode root = IntakeDocuments.tree(api.bodies().bytes(ctx));
        if (root == null || !root.isObject()) throw ApiProblem.badRequest("$", "the body must be a " + format + " JSON document");
        Map<String, Component> components = new LinkedHashMap<>();
        List<Skipped> skipped = new ArrayList<>();
        FieldErrors errors = new FieldErrors();
        if (format.equals("cyclonedx")) {
            if (!"CycloneDX".equals(OsvAdvisories.text(root, "bomFormat"))) errors.add("bomFormat", "must be CycloneDX");
            String spec = OsvAdvisories.text(root, "specVersion");
            if (spec != null && !spec.matches("1\\.[4-6]")) errors.add("specVersion", "1.4, 1.5 or 1.6 expected (got " + spec + ")");
            errors.throwIfAny();
            cyclonedx(root.path("components"), "components", 1, components, skipped);
        } else {
            String version = OsvAdvisories.text(root, "spdxVersion");
            if (version == null || !version.startsWith("SPDX-2.")) errors.add("spdxVersion", "SPDX-2.3 expected");
            errors.throwIfAny();
            spdx(root, components, skipped);
        }
        ImageRecord image = image(ctx, rc.tenantId(), digest, api, new ArrayList<>(components.values()));
        IndexImage.Result r = api.useCases().indexImage().execute(new IndexImage.Command(Api.caller(rc), image));
        api.responses().ok(ctx, new SbomIndexed(digest, format, r.components(), skipped, r.indexBuiltAt()));
    }

    private static void cyclonedx(JsonNode list, String at, int depth, Map<String, Component> out, List<Skipped> skipped) {
        if (!list.isArray()) return;
        if (depth > MAX_DEPTH) throw new ApiProblem(422, "ERR_API_400", "components nested deeper than " + MAX_DEPTH
                + " levels at " + at, List.of(), Map.of());
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String field = at + "[" + i + "]";
            String name = OsvAdvisories.text(c, "name");
            String purl = OsvAdvisories.text(c, "purl");
            add(out, skipped, field + ".purl", name, purl);
            cyclonedx(c.path("components"), field + ".components", depth + 1, out, skipped);
        }
    }

    /** SPDX packages; the ones the document DESCRIBES are its subject (the image or project), not components. */
    private static void spdx(JsonNode root, Map<String, Component> out, List<Skipped> skipped) {
        JsonNode packages = root.path("packages");
        if (!packages.isArray()) return;
        java.util.Set<String> described = new java.util.HashSet<>();
        for (JsonNode d : root.path("documentDescribes")) if (d.isTextual()) described.add(d.asText());
        for (JsonNode rel : root.path("relationships")) {
            if ("DESCRIBES".equals(OsvAdvisories.text(rel, "relationshipType"))
                    && "SPDXRef-DOCUMENT".equals(OsvAdvisories.text(rel, "spdxElementId"))) {
                String target = OsvAdvisories.text(rel, "relatedSpdxElement");
                if (target != null) described.add(target);
            }
        }
        for (int i = 0; i < packages.size(); i++) {
            JsonNode p = packages.get(i);
            String name = OsvAdvisories.text(p, "name");
            if (described.contains(OsvAdvisories.text(p, "SPDXID"))) {
                skipped.add(new Skipped("packages[" + i + "]", name, "the document's subject (DESCRIBES), not a component"));
                continue;
            }
            JsonNode refs = p.path("externalRefs");
            boolean found = false;
            for (int r = 0; r < refs.size(); r++) {
                JsonNode ref = refs.get(r);
                if (!"purl".equalsIgnoreCase(OsvAdvisories.text(ref, "referenceType"))) continue;
                found = true;
                add(out, skipped, "packages[" + i + "].externalRefs[" + r + "].referenceLocator", name,
                        OsvAdvisories.text(ref, "referenceLocator"));
            }
            if (!found) skipped.add(new Skipped("packages[" + i + "]", name, "no externalRef of type purl"));
        }
    }

    private static void add(Map<String, Component> out, List<Skipped> skipped, String field, String name, String purl) {
        if (purl == null) {
            skipped.add(new Skipped(field, name, "no purl"));
            return;
        }
        String problem = PurlFields.componentProblem(purl);
        if (problem != null) {
            skipped.add(new Skipped(field, name, problem));
            return;
        }
        String ok = purl;
        if (out.size() >= MAX_COMPONENTS && !out.containsKey(ok)) {
            throw new ApiProblem(413, "ERR_API_413", "the SBOM has more than " + MAX_COMPONENTS + " components",
                    List.of(), Map.of());
        }
        out.putIfAbsent(ok, new Component(ok, false));
    }

    private static ImageRecord image(Context ctx, String tenant, String digest, Api api, List<Component> components) {
        Optional<ImageRecord> before = api.scheduler().indexedImage(tenant, digest);
        String registry = Params.single(ctx, "registry");
        String repository = Params.single(ctx, "repository");
        List<String> namespaces = List.copyOf(Params.list(ctx, "namespaces"));
        List<String> tags = List.copyOf(Params.list(ctx, "tags"));
        return new ImageRecord(tenant, digest,
                registry != null ? registry : before.map(ImageRecord::registry).orElse(null),
                repository != null ? repository : before.map(ImageRecord::repository).orElse(null),
                !namespaces.isEmpty() ? namespaces : before.map(ImageRecord::namespaces).orElse(List.of()),
                !tags.isEmpty() ? tags : before.map(ImageRecord::tags).orElse(List.of()),
                before.map(ImageRecord::labels).orElse(Map.of()), components);
    }
}
