package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.audit.AuditCursor;
import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditQuery;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.runs.Page;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The list index is the append position: it breaks ties between records of the same millisecond, as seq does in SQL. */
public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditRecord> records = new ArrayList<>();

    @Override
    public synchronized void append(AuditRecord record) {
        records.add(record);
    }

    @Override
    public synchronized List<AuditRecord> recent(String tenantId, int limit) {
        List<AuditRecord> out = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0 && out.size() < limit; i--) {
            if (records.get(i).tenantId().equals(tenantId)) out.add(records.get(i));
        }
        return out;
    }

    @Override
    public synchronized Page<AuditRecord> query(AuditQuery q) {
        long afterMs = q.after() == null ? Long.MAX_VALUE : q.after().occurredMs();
        long afterSeq = q.after() == null ? Long.MAX_VALUE : q.after().numericPosition();
        List<long[]> hits = new ArrayList<>(); // {occurredMs, index}
        for (int i = 0; i < records.size(); i++) {
            AuditRecord r = records.get(i);
            if (!q.matches(r)) continue;
            long at = AuditQuery.occurredMs(r);
            if (at > afterMs || (at == afterMs && i >= afterSeq)) continue;
            hits.add(new long[] {at, i});
        }
        hits.sort(Comparator.<long[]>comparingLong(h -> h[0]).thenComparingLong(h -> h[1]).reversed());
        List<AuditRecord> items = new ArrayList<>();
        for (int i = 0; i < Math.min(q.limit(), hits.size()); i++) items.add(records.get((int) hits.get(i)[1]));
        String next = null;
        if (hits.size() > q.limit()) {
            long[] last = hits.get(q.limit() - 1);
            next = new AuditCursor(last[0], Long.toString(last[1])).encode();
        }
        return new Page<>(items, next);
    }
}
