package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.TickDecision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Images, reports, schedules, audit records, intake cursors and tick decisions ⇄ JSON document. */
final class CatalogCodecs {
    private CatalogCodecs() {}

    static Doc image(ImageRecord i) {
        List<Doc> components = new ArrayList<>(i.components().size());
        for (Component c : i.components()) {
            components.add(Doc.create().put("purl", c.purl()).put("usedByEntrypoint", c.usedByEntrypoint()));
        }
        return Doc.create().put("tenantId", i.tenantId()).put("digest", i.digest()).put("registry", i.registry())
                .put("repository", i.repository()).put("namespaces", i.namespaces()).put("tags", i.tags())
                .put("labels", Doc.pairs(i.labels())).put("components", components);
    }

    static ImageRecord image(Doc d) {
        List<Component> components = new ArrayList<>();
        for (Doc c : d.docs("components")) components.add(new Component(c.required("purl"), c.bool("usedByEntrypoint")));
        return new ImageRecord(d.required("tenantId"), d.required("digest"), d.string("registry"),
                d.string("repository"), d.strings("namespaces"), d.strings("tags"), d.map("labels"), components);
    }

    static Doc report(String tenantId, ScanReport r) {
        List<Doc> findings = new ArrayList<>(r.findings().size());
        for (Finding f : r.findings()) {
            findings.add(Doc.create().put("vulnerabilityId", f.vulnerabilityId()).put("purl", f.purl())
                    .put("severity", f.severity() == null ? null : f.severity().wire()).put("kev", f.kev())
                    .put("status", f.status() == null ? null : f.status().wire()));
        }
        return Doc.create().put("tenantId", tenantId).put("imageDigest", r.imageDigest()).put("reportId", r.reportId())
                .put("verdict", r.verdict()).put("findings", findings).put("generatedAt", r.generatedAt());
    }

    static ScanReport report(Doc d) {
        List<Finding> findings = new ArrayList<>();
        for (Doc f : d.docs("findings")) {
            String severity = f.string("severity");
            String status = f.string("status");
            findings.add(new Finding(f.string("vulnerabilityId"), f.string("purl"),
                    severity == null ? null : Severity.fromWire(severity), f.bool("kev"),
                    status == null ? null : FindingStatus.fromWire(status)));
        }
        return new ScanReport(d.string("reportId"), d.string("imageDigest"), d.string("verdict"), findings,
                d.instant("generatedAt"));
    }

    static Doc schedule(Schedule s) {
        Doc onlyIf = Doc.create().put("lastReportOlderThanDays", s.onlyIf().lastReportOlderThanDays())
                .put("policyRevision", s.onlyIf().policyRevision());
        Doc notify = Doc.create().put("onNewFindings", s.notifications().onNewFindings())
                .put("minSeverity", s.notifications().minSeverity()).put("includeKev", s.notifications().includeKev());
        Doc limits = Doc.create().put("maxJobs", s.limits().maxJobs()).put("ratePerSecond", s.limits().ratePerSecond())
                .put("parallelism", s.limits().parallelism()).put("burst", s.limits().burst());
        Doc dst = Doc.create()
                .put("gap", s.dstPolicy().gap() == null ? null : s.dstPolicy().gap().name().toLowerCase(Locale.ROOT))
                .put("overlap", s.dstPolicy().overlap() == null ? null
                        : s.dstPolicy().overlap().name().toLowerCase(Locale.ROOT));
        return Doc.create().put("tenantId", s.tenantId()).put("id", s.id()).put("name", s.name())
                .put("enabled", s.enabled()).put("cronExpression", s.cronExpression()).put("timezone", s.timezone())
                .put("mode", s.mode().wire()).put("selection", selector(s.selection())).put("onlyIf", onlyIf)
                .put("notify", notify).put("limits", limits).put("dstPolicy", dst).put("createdAt", s.createdAt())
                .put("createdBy", s.createdBy()).put("updatedAt", s.updatedAt()).put("updatedBy", s.updatedBy())
                .put("deletedAt", s.deletedAt()).put("deletedBy", s.deletedBy()).put("version", s.version());
    }

    static Schedule schedule(Doc d) {
        String id = d.required("id");
        Doc onlyIf = d.doc("onlyIf");
        Doc notify = d.doc("notify");
        Doc limits = d.doc("limits");
        Doc dst = d.doc("dstPolicy");
        return new Schedule(id, d.required("tenantId"), d.string("name"), d.bool("enabled"),
                d.required("cronExpression"), d.required("timezone"),
                Mode.fromWire(d.required("mode"))
                        .orElseThrow(() -> new IllegalStateException("schedule " + id + " has an unknown mode")),
                selector(d.doc("selection")),
                onlyIf == null ? null : new Schedule.OnlyIf(onlyIf.optionalInteger("lastReportOlderThanDays"),
                        onlyIf.string("policyRevision")),
                notify == null ? null : new Schedule.NotifyPolicy(notify.bool("onNewFindings"),
                        notify.string("minSeverity"), notify.bool("includeKev")),
                limits == null ? null : new Schedule.Limits(limits.optionalInteger("maxJobs"),
                        limits.optionalDouble("ratePerSecond"), limits.optionalInteger("parallelism"),
                        limits.optionalInteger("burst")),
                dst == null ? null : new Schedule.DstPolicy(gap(dst.string("gap")), overlap(dst.string("overlap"))),
                d.instant("createdAt"), d.string("createdBy"), d.instant("updatedAt"), d.string("updatedBy"),
                d.instant("deletedAt"), d.string("deletedBy"), d.longValue("version"));
    }

    private static Schedule.DstPolicy.Gap gap(String v) {
        return v == null ? null : Schedule.DstPolicy.Gap.valueOf(v.toUpperCase(Locale.ROOT));
    }

    private static Schedule.DstPolicy.Overlap overlap(String v) {
        return v == null ? null : Schedule.DstPolicy.Overlap.valueOf(v.toUpperCase(Locale.ROOT));
    }

    private static Doc selector(Selector s) {
        if (s == null) return null;
        List<Doc> labels = new ArrayList<>();
        for (Selector.LabelFilter f : s.labels()) labels.add(Doc.create().put("key", f.key()).put("values", f.values()));
        return Doc.create().put("scope", s.scope().wire()).put("tenantId", s.tenantId())
                .put("namespaces", s.namespaces()).put("repositories", s.repositories()).put("digests", s.digests())
                .put("includeTags", s.includeTags()).put("labels", labels).put("resolvesTags", s.resolvesTags());
    }

    private static Selector selector(Doc d) {
        if (d == null) return null;
        String scope = d.required("scope");
        List<Selector.LabelFilter> labels = new ArrayList<>();
        for (Doc l : d.docs("labels")) labels.add(new Selector.LabelFilter(l.required("key"), l.strings("values")));
        return new Selector(Selector.Scope.fromWire(scope)
                .orElseThrow(() -> new IllegalStateException("unknown selector scope " + scope)),
                d.string("tenantId"), d.strings("namespaces"), d.strings("repositories"), d.strings("digests"),
                d.strings("includeTags"), labels, d.bool("resolvesTags"));
    }

    static Doc audit(AuditRecord r) {
        return Doc.create().put("tenantId", r.tenantId()).put("actor", r.actor()).put("action", r.action())
                .put("target", r.target()).put("occurredAt", r.occurredAt()).put("correlationId", r.correlationId())
                .put("metadata", Doc.pairs(r.metadata()));
    }

    static AuditRecord audit(Doc d) {
        return new AuditRecord(d.required("tenantId"), d.string("actor"), d.string("action"), d.string("target"),
                d.instant("occurredAt"), d.string("correlationId"), d.map("metadata"));
    }

    static Doc cursor(Cursor c) {
        return Doc.create().put("tenantId", c.tenantId()).put("source", c.source()).put("lastEventId", c.lastEventId())
                .put("lastEventAt", c.lastEventAt());
    }

    static Cursor cursor(Doc d) {
        return new Cursor(d.string("tenantId"), d.string("source"), d.string("lastEventId"), d.instant("lastEventAt"));
    }

    static Doc tick(TickDecision t) {
        return Doc.create().put("tenantId", t.tenantId()).put("scheduleId", t.scheduleId()).put("fireTime", t.fireTime())
                .put("outcome", t.outcome().wire()).put("reason", t.reason()).put("runId", t.runId())
                .put("detail", t.detail()).put("decidedAt", t.decidedAt()).put("decidedBy", t.decidedBy());
    }

    static TickDecision tick(Doc d) {
        return new TickDecision(d.required("tenantId"), d.required("scheduleId"), d.instant("fireTime"),
                TickDecision.Outcome.fromWire(d.required("outcome")), d.string("reason"), d.string("runId"),
                d.string("detail"), d.instant("decidedAt"), d.string("decidedBy"));
    }
}
