package io.verdict.scheduler.http.api.intake.documents;

import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.purl.PackageQuery;
import io.verdict.scheduler.purl.PackageUrl;
import io.verdict.scheduler.purl.PurlSyntaxException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Reads purl fields of request bodies through the core's purl rules, so a purl the index could never match is a
 * 400 naming {@code field[index]} and the component that is wrong, never a silent empty run. What comes out is
 * canonical: equivalent spellings become one string (and so one plan).
 */
public final class PurlFields {
    public static final int MAX_LENGTH = 1024;

    private PurlFields() {}

    /**
     * Query purls (preview, intake): a purl with a version, a versionless purl (every version) or a purl whose
     * version is a {@code vers:} range. Returns the canonical strings, in order, without duplicates.
     */
    public static List<String> queries(FieldErrors errors, String field, List<String> values, int maxItems) {
        List<String> raw = texts(errors, field, values, maxItems);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String v = raw.get(i);
            if (v == null) continue;
            try {
                out.add(PackageQuery.parse(v).canonical());
            } catch (PurlSyntaxException e) {
                errors.add(field + "[" + i + "]", describe(e));
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * One SBOM component's purl: a package URL naming an installed package (version optional; a {@code vers:}
     * range is a query, not an installed version). Returns the purl as sent (the index canonicalises it) or null
     * after recording the problem.
     */
    public static String component(FieldErrors errors, String field, String value) {
        String v = errors.text(field, value, true, MAX_LENGTH);
        if (v == null) return null;
        String problem = componentProblem(v);
        if (problem != null) {
            errors.add(field, problem);
            return null;
        }
        return v;
    }

    /** Why the string cannot be an SBOM component's purl, or null when it can. */
    public static String componentProblem(String purl) {
        if (purl.length() > MAX_LENGTH) return "at most " + MAX_LENGTH + " characters";
        try {
            PackageUrl p = PackageUrl.parse(purl);
            if (p.version() != null && p.version().regionMatches(true, 0, "vers:", 0, 5)) {
                return "version: an SBOM component names one installed version, not a vers: range";
            }
            return null;
        } catch (PurlSyntaxException e) {
            return describe(e);
        }
    }

    /** "name: required (pkg:type/namespace/name@version)" — the component first, so the fix is obvious. */
    public static String describe(PurlSyntaxException e) {
        return "not a valid package URL: " + e.component() + ": " + e.reason();
    }

    /** Index-aligned texts: a bad entry is null in place, so later messages keep the caller's indexes. */
    private static List<String> texts(FieldErrors errors, String field, List<String> values, int maxItems) {
        if (values == null) return List.of();
        if (values.size() > maxItems) {
            errors.add(field, "at most " + maxItems + " entries");
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) out.add(errors.text(field + "[" + i + "]", values.get(i), true, MAX_LENGTH));
        return out;
    }
}
