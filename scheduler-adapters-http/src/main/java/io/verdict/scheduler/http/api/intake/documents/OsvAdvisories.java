package io.verdict.scheduler.http.api.intake.documents;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.purl.AffectedRanges;
import io.verdict.scheduler.purl.PackageQuery;
import io.verdict.scheduler.purl.PackageUrl;
import io.verdict.scheduler.purl.PurlSyntaxException;
import io.verdict.scheduler.purl.VersionRange;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Translates OSV advisories (schema 1.x, one document or an array) into what an advisory event carries: the
 * affected packages as canonical purl queries (each {@code ECOSYSTEM}/{@code SEMVER} range interval a
 * {@code vers:} range, each {@code versions[]} entry an exact purl), and the vulnerability IDs ({@code id} and
 * {@code aliases}). {@code GIT} ranges name commits, not package versions: they are ignored with a warning.
 *
 * <p>Limits per request: {@value #MAX_DOCUMENTS} documents, {@value #MAX_AFFECTED} affected entries,
 * {@value #MAX_QUERIES} purl queries in all (413 naming the limit).
 */
public final class OsvAdvisories {
    public static final int MAX_DOCUMENTS = 1000;
    public static final int MAX_AFFECTED = 10_000;
    public static final int MAX_QUERIES = 10_000;

    private OsvAdvisories() {}

    public record Translation(List<String> ids, List<String> vulnerabilityIds, List<String> purls, String modified,
                              List<String> warnings) {}

    /** An OSV document is an object with {@code affected} or {@code schema_version}, or an array of such. */
    public static boolean looksLikeOsv(JsonNode root) {
        if (root.isArray()) return !root.isEmpty() && root.get(0).isObject() && isOsvObject(root.get(0));
        return root.isObject() && isOsvObject(root);
    }

    private static boolean isOsvObject(JsonNode o) {
        return !o.has("eventId") && (o.has("affected") || o.has("schema_version")) && o.has("id");
    }

    public static Translation translate(JsonNode root) {
        List<JsonNode> docs = new ArrayList<>();
        if (root.isArray()) {
            if (root.size() > MAX_DOCUMENTS) throw tooMany("documents", MAX_DOCUMENTS);
            root.forEach(docs::add);
        } else {
            docs.add(root);
        }
        FieldErrors errors = new FieldErrors();
        List<String> ids = new ArrayList<>();
        Set<String> vulns = new LinkedHashSet<>();
        Set<String> purls = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        String modified = null;
        int affectedCount = 0;
        for (int d = 0; d < docs.size(); d++) {
            String at = root.isArray() ? "[" + d + "]." : "";
            JsonNode doc = docs.get(d);
            if (!doc.isObject()) {
                errors.add(at.isEmpty() ? "$" : at.substring(0, at.length() - 1), "must be an OSV object");
                continue;
            }
            String id = text(doc, "id");
            if (id == null) {
                errors.add(at + "id", "required");
                continue;
            }
            ids.add(id);
            vulns.add(id);
            for (JsonNode alias : doc.path("aliases")) if (alias.isTextual()) vulns.add(alias.asText());
            String mod = text(doc, "modified");
            if (mod == null) errors.add(at + "modified", "required");
            else if (modified == null || mod.compareTo(modified) > 0) modified = mod;
            if (doc.has("withdrawn")) warnings.add(at + "withdrawn: " + id + " is withdrawn; its packages are still re-evaluated");
            JsonNode affected = doc.path("affected");
            if (!affected.isArray() || affected.isEmpty()) {
                warnings.add(at + "affected: " + id + " names no affected package");
                continue;
            }
            affectedCount += affected.size();
            if (affectedCount > MAX_AFFECTED) throw tooMany("affected entries", MAX_AFFECTED);
            for (int a = 0; a < affected.size(); a++) {
                affected(errors, warnings, purls, at + "affected[" + a + "]", affected.get(a));
                if (purls.size() > MAX_QUERIES) throw tooMany("purl queries", MAX_QUERIES);
            }
        }
        errors.throwIfAny();
        return new Translation(ids, List.copyOf(vulns), List.copyOf(purls), modified, warnings);
    }

    private static void affected(FieldErrors errors, List<String> warnings, Set<String> purls, String at, JsonNode a) {
        PackageUrl pkg = packageOf(errors, at + ".package", a.path("package"));
        if (pkg == null) return;
        boolean any = false;
        JsonNode ranges = a.path("ranges");
        for (int r = 0; r < ranges.size(); r++) {
            JsonNode range = ranges.get(r);
            String field = at + ".ranges[" + r + "]";
            String type = text(range, "type");
            if ("GIT".equals(type)) {
                warnings.add(field + ": GIT ranges name commits, not package versions; ignored");
                continue;
            }
            if (!"ECOSYSTEM".equals(type) && !"SEMVER".equals(type)) {
                errors.add(field + ".type", "must be ECOSYSTEM, SEMVER or GIT");
                continue;
            }
            List<AffectedRanges.Event> events = new ArrayList<>();
            JsonNode evs = range.path("events");
            if (!evs.isArray() || evs.isEmpty()) {
                errors.add(field + ".events", "required (introduced/fixed/last_affected)");
                continue;
            }
            for (int e = 0; e < evs.size(); e++) {
                AffectedRanges.Event ev = event(evs.get(e));
                if (ev == null) errors.add(field + ".events[" + e + "]", "must be one of {introduced|fixed|last_affected|limit: <version>}");
                else events.add(ev);
            }
            String scheme = "SEMVER".equals(type) ? "semver" : pkg.type();
            for (VersionRange vr : AffectedRanges.fromEvents(scheme, events)) {
                try {
                    purls.add(PackageQuery.parse(pkg.packageKey() + "@" + vr.canonical()).canonical());
                    any = true;
                } catch (PurlSyntaxException ex) {
                    errors.add(field + ".events", PurlFields.describe(ex));
                }
            }
        }
        JsonNode versions = a.path("versions");
        for (int v = 0; v < versions.size(); v++) {
            JsonNode version = versions.get(v);
            if (!version.isTextual() || version.asText().isBlank()) {
                errors.add(at + ".versions[" + v + "]", "must be a version string");
                continue;
            }
            purls.add(pkg.withVersion(version.asText()).matchKey());
            any = true;
        }
        if (!any && ranges.isEmpty() && versions.isEmpty()) {
            // OSV: no ranges and no versions means every version is affected.
            purls.add(pkg.packageKey());
        }
    }

    private static AffectedRanges.Event event(JsonNode e) {
        if (e == null || !e.isObject() || e.size() != 1) return null;
        String key = e.fieldNames().next();
        JsonNode v = e.get(key);
        if (!v.isTextual() || v.asText().isBlank()) return null;
        AffectedRanges.Kind kind = switch (key) {
            case "introduced" -> AffectedRanges.Kind.INTRODUCED;
            case "fixed" -> AffectedRanges.Kind.FIXED;
            case "last_affected" -> AffectedRanges.Kind.LAST_AFFECTED;
            case "limit" -> AffectedRanges.Kind.LIMIT;
            default -> null;
        };
        return kind == null ? null : new AffectedRanges.Event(kind, v.asText());
    }

    /** The package as a versionless purl: {@code package.purl} when given, else mapped from ecosystem + name. */
    static PackageUrl packageOf(FieldErrors errors, String at, JsonNode p) {
        String purl = text(p, "purl");
        try {
            if (purl != null) return PackageUrl.parse(purl).withVersion(null);
        } catch (PurlSyntaxException e) {
            errors.add(at + ".purl", PurlFields.describe(e));
            return null;
        }
        String ecosystem = text(p, "ecosystem");
        String name = text(p, "name");
        if (ecosystem == null || name == null) {
            errors.add(at, "needs purl, or ecosystem and name");
            return null;
        }
        String base = ecosystem.contains(":") ? ecosystem.substring(0, ecosystem.indexOf(':')) : ecosystem;
        String built = switch (base) {
            case "Debian" -> "pkg:deb/debian/" + name;
            case "Ubuntu" -> "pkg:deb/ubuntu/" + name;
            case "Alpine" -> "pkg:apk/alpine/" + name;
            case "npm" -> "pkg:npm/" + name;
            case "PyPI" -> "pkg:pypi/" + name;
            case "Maven" -> name.contains(":") ? "pkg:maven/" + name.replace(':', '/') : null;
            case "Go" -> "pkg:golang/" + name;
            case "NuGet" -> "pkg:nuget/" + name;
            case "crates.io" -> "pkg:cargo/" + name;
            case "RubyGems" -> "pkg:gem/" + name;
            case "Packagist" -> "pkg:composer/" + name;
            default -> null;
        };
        if (built == null) {
            errors.add(at + ".ecosystem", "'" + ecosystem + "' is not mapped to a purl type (Debian, Ubuntu, Alpine, npm, PyPI, "
                    + "Maven group:artifact, Go, NuGet, crates.io, RubyGems, Packagist); give package.purl");
            return null;
        }
        try {
            return PackageUrl.parse(built);
        } catch (PurlSyntaxException e) {
            errors.add(at + ".name", PurlFields.describe(e));
            return null;
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText().trim() : null;
    }

    static ApiProblem tooMany(String what, int limit) {
        return new ApiProblem(413, "ERR_API_413", "the document has more than " + limit + " " + what
                + " (limit per request)", List.of(), java.util.Map.of());
    }

}
