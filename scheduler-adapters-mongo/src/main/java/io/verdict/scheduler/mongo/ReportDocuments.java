package io.verdict.scheduler.mongo;

import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.runs.Severity;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

import static io.verdict.scheduler.mongo.Fields.*;

/** ScanReport ⇄ document, keyed by (tenantId, imageDigest): the last report is the next run's baseline. */
final class ReportDocuments {
    private ReportDocuments() {}

    static Document toDocument(String tenantId, ScanReport r) {
        Document d = new Document("tenantId", tenantId).append("imageDigest", r.imageDigest());
        put(d, "reportId", r.reportId());
        put(d, "verdict", r.verdict());
        List<Document> findings = new ArrayList<>(r.findings().size());
        for (Finding f : r.findings()) {
            Document fd = new Document();
            put(fd, "vulnerabilityId", f.vulnerabilityId());
            put(fd, "purl", f.purl());
            put(fd, "severity", f.severity() == null ? null : f.severity().wire());
            fd.append("kev", f.kev());
            findings.add(put(fd, "status", f.status() == null ? null : f.status().wire()));
        }
        d.append("findings", findings);
        return putDate(d, "generatedAt", r.generatedAt());
    }

    static ScanReport fromDocument(Document d) {
        List<Finding> findings = new ArrayList<>();
        for (Document f : documents(d, "findings")) {
            String severity = string(f, "severity");
            String status = string(f, "status");
            findings.add(new Finding(string(f, "vulnerabilityId"), string(f, "purl"),
                    severity == null ? null : Severity.fromWire(severity), bool(f, "kev"),
                    status == null ? null : FindingStatus.fromWire(status)));
        }
        return new ScanReport(string(d, "reportId"), string(d, "imageDigest"), string(d, "verdict"), findings,
                instant(d, "generatedAt"));
    }
}
