package io.verdict.scheduler.mongo;

import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.TopFinding;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

import static io.verdict.scheduler.mongo.Fields.*;

/** DeltaSummary ⇄ document; used by the delta store and inside stored run events. */
final class DeltaDocuments {
    private DeltaDocuments() {}

    static Document toDocument(DeltaSummary s) {
        Document d = new Document("runId", s.runId());
        put(d, "tenantId", s.tenantId());
        d.append("imageDigest", s.imageDigest()).append("newFindings", s.newFindings())
                .append("newCriticals", s.severity().newCriticals()).append("newHigh", s.severity().newHigh())
                .append("newMedium", s.severity().newMedium()).append("newLow", s.severity().newLow())
                .append("resolved", s.severity().resolved()).append("quieted", s.severity().quieted())
                .append("kevHits", s.kevHits());
        List<Document> top = new ArrayList<>(s.topFindings().size());
        for (TopFinding f : s.topFindings()) {
            Document t = new Document();
            put(t, "purl", f.purl());
            put(t, "vulnerabilityId", f.vulnerabilityId());
            put(t, "severity", f.severity() == null ? null : f.severity().wire());
            top.add(t.append("kev", f.kev()));
        }
        d.append("topFindings", top);
        put(d, "reportUrl", s.reportUrl());
        return putDate(d, "detectedAt", s.detectedAt());
    }

    static DeltaSummary fromDocument(Document d) {
        List<TopFinding> top = new ArrayList<>();
        for (Document t : documents(d, "topFindings")) {
            String severity = string(t, "severity");
            top.add(new TopFinding(string(t, "purl"), string(t, "vulnerabilityId"),
                    severity == null ? null : Severity.fromWire(severity), bool(t, "kev")));
        }
        return new DeltaSummary(string(d, "runId"), string(d, "tenantId"), string(d, "imageDigest"),
                integer(d, "newFindings"), SegmentDocuments.severity(d), strings(d, "kevHits"), top,
                string(d, "reportUrl"), instant(d, "detectedAt"));
    }
}
