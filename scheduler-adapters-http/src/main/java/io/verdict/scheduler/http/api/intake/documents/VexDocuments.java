package io.verdict.scheduler.http.api.intake.documents;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.purl.PackageQuery;
import io.verdict.scheduler.purl.PurlSyntaxException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates VEX documents into what a VEX event carries — the products (and subcomponents) named by purl and
 * the vulnerability IDs: OpenVEX 0.2 (and the 0.0.x string forms: {@code vulnerability: "CVE-…"}, products as
 * plain strings) and CycloneDX VEX ({@code vulnerabilities[].affects[].ref} resolved through the components'
 * {@code bom-ref}). Statuses ({@code not_affected}, {@code affected}, {@code fixed}, {@code under_investigation})
 * and justifications are not used for planning: any of them can change a verdict, so every named product is
 * re-evaluated; the scanner applies the statement. Products that are not purls (CPEs, URLs) are ignored with a
 * warning.
 *
 * <p>Limits per document: {@value #MAX_STATEMENTS} statements / vulnerabilities, {@value #MAX_PRODUCTS}
 * products (413 naming the limit).
 */
public final class VexDocuments {
    public static final int MAX_STATEMENTS = 10_000;
    public static final int MAX_PRODUCTS = 10_000;
    private static final Set<String> STATUSES = Set.of("not_affected", "affected", "fixed", "under_investigation");

    private VexDocuments() {}

    public record Translation(String format, String id, String modified, List<String> vulnerabilityIds,
                              List<String> purls, List<String> warnings) {}

    public static boolean looksLikeOpenVex(JsonNode root) {
        return root.isObject() && root.path("@context").asText("").startsWith("https://openvex.dev/ns") && root.has("statements");
    }

    public static boolean looksLikeCycloneDxVex(JsonNode root) {
        return root.isObject() && "CycloneDX".equals(OsvAdvisories.text(root, "bomFormat")) && root.has("vulnerabilities");
    }

    public static Translation openVex(JsonNode root) {
        FieldErrors errors = new FieldErrors();
        Set<String> vulns = new LinkedHashSet<>();
        Set<String> purls = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        String id = OsvAdvisories.text(root, "@id");
        if (id == null) errors.add("@id", "required");
        JsonNode statements = root.path("statements");
        if (!statements.isArray()) errors.add("statements", "required (an array)");
        if (statements.size() > MAX_STATEMENTS) throw OsvAdvisories.tooMany("statements", MAX_STATEMENTS);
        String modified = OsvAdvisories.text(root, "last_updated") != null ? OsvAdvisories.text(root, "last_updated")
                : OsvAdvisories.text(root, "timestamp");
        for (int s = 0; s < statements.size(); s++) {
            JsonNode st = statements.get(s);
            String at = "statements[" + s + "]";
            JsonNode v = st.path("vulnerability");
            String vuln = v.isTextual() ? v.asText() : OsvAdvisories.text(v, "name");
            if (vuln == null) errors.add(at + ".vulnerability.name", "required");
            else vulns.add(vuln);
            for (JsonNode alias : v.path("aliases")) if (alias.isTextual()) vulns.add(alias.asText());
            String status = OsvAdvisories.text(st, "status");
            if (status == null || !STATUSES.contains(status)) {
                errors.add(at + ".status", "must be not_affected, affected, fixed or under_investigation");
            }
            JsonNode products = st.path("products");
            for (int p = 0; p < products.size(); p++) {
                JsonNode product = products.get(p);
                product(errors, warnings, purls, at + ".products[" + p + "]", product);
                JsonNode subs = product.path("subcomponents");
                for (int c = 0; c < subs.size(); c++) {
                    product(errors, warnings, purls, at + ".products[" + p + "].subcomponents[" + c + "]", subs.get(c));
                }
            }
            if (products.isEmpty()) warnings.add(at + ": no products; only the vulnerability ID is used");
            if (purls.size() > MAX_PRODUCTS) throw OsvAdvisories.tooMany("products", MAX_PRODUCTS);
        }
        errors.throwIfAny();
        return new Translation("openvex", id, modified, List.copyOf(vulns), List.copyOf(purls), warnings);
    }

    /** A product is a purl string, {@code {"@id": purl}} or {@code {"identifiers": {"purl": …}}}. */
    private static void product(FieldErrors errors, List<String> warnings, Set<String> purls, String at, JsonNode p) {
        String ref = p.isTextual() ? p.asText() : OsvAdvisories.text(p, "@id");
        String purl = p.isObject() ? OsvAdvisories.text(p.path("identifiers"), "purl") : null;
        if (purl == null && ref != null && ref.startsWith("pkg:")) purl = ref;
        if (purl == null) {
            warnings.add(at + ": '" + (ref == null ? "?" : ref) + "' is not a package URL; ignored");
            return;
        }
        try {
            purls.add(PackageQuery.parse(purl).canonical());
        } catch (PurlSyntaxException e) {
            errors.add(at, PurlFields.describe(e));
        }
    }

    public static Translation cycloneDx(JsonNode root) {
        FieldErrors errors = new FieldErrors();
        Map<String, String> byRef = new HashMap<>();
        collectRefs(root.path("components"), byRef, 1);
        Set<String> vulns = new LinkedHashSet<>();
        Set<String> purls = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        JsonNode list = root.path("vulnerabilities");
        if (list.size() > MAX_STATEMENTS) throw OsvAdvisories.tooMany("vulnerabilities", MAX_STATEMENTS);
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String at = "vulnerabilities[" + i + "]";
            String id = OsvAdvisories.text(v, "id");
            if (id == null) errors.add(at + ".id", "required");
            else vulns.add(id);
            JsonNode affects = v.path("affects");
            for (int a = 0; a < affects.size(); a++) {
                String ref = OsvAdvisories.text(affects.get(a), "ref");
                String field = at + ".affects[" + a + "].ref";
                String purl = ref == null ? null : ref.startsWith("pkg:") ? ref : byRef.get(ref);
                if (purl == null) {
                    warnings.add(field + ": '" + ref + "' names no component with a purl; ignored");
                    continue;
                }
                try {
                    purls.add(PackageQuery.parse(purl).canonical());
                } catch (PurlSyntaxException e) {
                    errors.add(field, PurlFields.describe(e));
                }
            }
            if (purls.size() > MAX_PRODUCTS) throw OsvAdvisories.tooMany("products", MAX_PRODUCTS);
        }
        errors.throwIfAny();
        String serial = OsvAdvisories.text(root, "serialNumber");
        String version = root.path("version").asText("1");
        String modified = OsvAdvisories.text(root.path("metadata"), "timestamp");
        return new Translation("cyclonedx-vex", serial == null ? null : serial + "/" + version, modified,
                List.copyOf(vulns), List.copyOf(purls), warnings);
    }

    private static void collectRefs(JsonNode components, Map<String, String> byRef, int depth) {
        if (!components.isArray()) return;
        if (depth > SbomDocuments.MAX_DEPTH) {
            throw new ApiProblem(422, "ERR_API_400", "components nested deeper than " + SbomDocuments.MAX_DEPTH + " levels",
                    List.of(), Map.of());
        }
        for (JsonNode c : components) {
            String ref = OsvAdvisories.text(c, "bom-ref");
            String purl = OsvAdvisories.text(c, "purl");
            if (ref != null && purl != null) byRef.put(ref, purl);
            collectRefs(c.path("components"), byRef, depth + 1);
        }
    }
}
