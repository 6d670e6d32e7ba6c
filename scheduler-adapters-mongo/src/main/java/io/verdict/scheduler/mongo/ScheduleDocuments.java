package io.verdict.scheduler.mongo;

import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.schedules.Schedule;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.verdict.scheduler.mongo.Fields.*;

/** Schedule ⇄ document; (tenantId, id) is the natural key. Field {@code notify} as in the API. */
final class ScheduleDocuments {
    private ScheduleDocuments() {}

    static Document toDocument(Schedule s) {
        Document d = new Document("tenantId", s.tenantId()).append("id", s.id());
        put(d, "name", s.name());
        d.append("enabled", s.enabled()).append("cronExpression", s.cronExpression()).append("timezone", s.timezone())
                .append("mode", s.mode().wire());
        put(d, "selection", selector(s.selection()));
        Document onlyIf = new Document();
        put(onlyIf, "lastReportOlderThanDays", s.onlyIf().lastReportOlderThanDays());
        put(onlyIf, "policyRevision", s.onlyIf().policyRevision());
        d.append("onlyIf", onlyIf);
        Document notify = new Document("onNewFindings", s.notifications().onNewFindings());
        put(notify, "minSeverity", s.notifications().minSeverity());
        d.append("notify", notify.append("includeKev", s.notifications().includeKev()));
        Document limits = new Document();
        put(limits, "maxJobs", s.limits().maxJobs());
        put(limits, "ratePerSecond", s.limits().ratePerSecond());
        put(limits, "parallelism", s.limits().parallelism());
        put(limits, "burst", s.limits().burst());
        d.append("limits", limits);
        Document dst = new Document();
        put(dst, "gap", s.dstPolicy().gap() == null ? null : s.dstPolicy().gap().name().toLowerCase(Locale.ROOT));
        put(dst, "overlap", s.dstPolicy().overlap() == null ? null : s.dstPolicy().overlap().name().toLowerCase(Locale.ROOT));
        d.append("dstPolicy", dst);
        putDate(d, "createdAt", s.createdAt());
        put(d, "createdBy", s.createdBy());
        putDate(d, "updatedAt", s.updatedAt());
        put(d, "updatedBy", s.updatedBy());
        putDate(d, "deletedAt", s.deletedAt());
        put(d, "deletedBy", s.deletedBy());
        return d.append("version", s.version());
    }

    static Schedule fromDocument(Document d) {
        String id = requiredString(d, "id");
        Document onlyIf = document(d, "onlyIf");
        Document notify = document(d, "notify");
        Document limits = document(d, "limits");
        Document dst = document(d, "dstPolicy");
        return new Schedule(id, requiredString(d, "tenantId"), string(d, "name"), bool(d, "enabled"),
                requiredString(d, "cronExpression"), requiredString(d, "timezone"),
                Mode.fromWire(requiredString(d, "mode"))
                        .orElseThrow(() -> new IllegalStateException("schedule " + id + " has an unknown mode")),
                selector(document(d, "selection")),
                onlyIf == null ? null : new Schedule.OnlyIf(optionalInteger(onlyIf, "lastReportOlderThanDays"),
                        string(onlyIf, "policyRevision")),
                notify == null ? null : new Schedule.NotifyPolicy(bool(notify, "onNewFindings"),
                        string(notify, "minSeverity"), bool(notify, "includeKev")),
                limits == null ? null : new Schedule.Limits(optionalInteger(limits, "maxJobs"),
                        optionalDouble(limits, "ratePerSecond"), optionalInteger(limits, "parallelism"),
                        optionalInteger(limits, "burst")),
                dst == null ? null : new Schedule.DstPolicy(gap(string(dst, "gap")), overlap(string(dst, "overlap"))),
                instant(d, "createdAt"), string(d, "createdBy"), instant(d, "updatedAt"), string(d, "updatedBy"),
                instant(d, "deletedAt"), string(d, "deletedBy"), longValue(d, "version"));
    }

    private static Schedule.DstPolicy.Gap gap(String v) {
        return v == null ? null : Schedule.DstPolicy.Gap.valueOf(v.toUpperCase(Locale.ROOT));
    }

    private static Schedule.DstPolicy.Overlap overlap(String v) {
        return v == null ? null : Schedule.DstPolicy.Overlap.valueOf(v.toUpperCase(Locale.ROOT));
    }

    static Document selector(Selector s) {
        if (s == null) return null;
        Document d = new Document("scope", s.scope().wire());
        put(d, "tenantId", s.tenantId());
        d.append("namespaces", s.namespaces()).append("repositories", s.repositories()).append("digests", s.digests())
                .append("includeTags", s.includeTags());
        List<Document> labels = new ArrayList<>();
        for (Selector.LabelFilter f : s.labels()) labels.add(new Document("key", f.key()).append("values", f.values()));
        return d.append("labels", labels).append("resolvesTags", s.resolvesTags());
    }

    static Selector selector(Document d) {
        if (d == null) return null;
        String scope = requiredString(d, "scope");
        List<Selector.LabelFilter> labels = new ArrayList<>();
        for (Document l : documents(d, "labels")) labels.add(new Selector.LabelFilter(requiredString(l, "key"), strings(l, "values")));
        return new Selector(Selector.Scope.fromWire(scope)
                .orElseThrow(() -> new IllegalStateException("unknown selector scope " + scope)),
                string(d, "tenantId"), strings(d, "namespaces"), strings(d, "repositories"), strings(d, "digests"),
                strings(d, "includeTags"), labels, bool(d, "resolvesTags"));
    }
}
