package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.intake.AdvisoryCatalogStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The advisory catalog in {@code advisory_ids} (one row per known vulnerability ID, so an ID with no purl yet is
 * still known) and {@code advisory_purls} (one row per purl of an ID). Adding purls is inserts that skip rows
 * already there, in one transaction: a set union that concurrent writers of one ID cannot lose. The bounds per
 * tenant and per ID are kept by the core's {@code AdvisoryCatalog}, not here.
 */
public final class JdbcAdvisoryCatalogStore implements AdvisoryCatalogStore {
    private static final int CHUNK = 500;

    private final JdbcDatabase db;

    public JdbcAdvisoryCatalogStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void addPurls(String tenantId, String vulnerabilityId, Set<String> purls) {
        List<Object[]> rows = new ArrayList<>(purls.size());
        for (String p : new TreeSet<>(purls)) rows.add(new Object[] {tenantId, vulnerabilityId, p});
        db.transaction(c -> {
            Sql.update(c, "INSERT INTO advisory_ids (tenant_id, vulnerability_id) VALUES (?,?) "
                    + "ON CONFLICT (tenant_id, vulnerability_id) DO NOTHING", tenantId, vulnerabilityId);
            Sql.batch(c, "INSERT INTO advisory_purls (tenant_id, vulnerability_id, purl) VALUES (?,?,?) "
                    + "ON CONFLICT (tenant_id, vulnerability_id, purl) DO NOTHING", rows);
            return null;
        });
    }

    @Override
    public Map<String, Set<String>> find(String tenantId, Collection<String> vulnerabilityIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(vulnerabilityIds));
        Map<String, Set<String>> found = new TreeMap<>();
        if (ids.isEmpty()) return found;
        db.transaction(c -> {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                Object[] params = new Object[chunk.size() + 1];
                params[0] = tenantId;
                for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
                String in = Sql.placeholders(chunk.size());
                for (String id : Sql.list(c, "SELECT vulnerability_id FROM advisory_ids WHERE tenant_id = ? "
                        + "AND vulnerability_id IN (" + in + ")", rs -> rs.getString(1), params)) {
                    found.put(id, new TreeSet<>());
                }
                for (String[] r : Sql.list(c, "SELECT vulnerability_id, purl FROM advisory_purls WHERE tenant_id = ? "
                        + "AND vulnerability_id IN (" + in + ")", rs -> new String[] {rs.getString(1), rs.getString(2)},
                        params)) {
                    found.computeIfAbsent(r[0], k -> new TreeSet<>()).add(r[1]);
                }
            }
            return null;
        });
        Map<String, Set<String>> out = new TreeMap<>();
        found.forEach((id, purls) -> out.put(id, Set.copyOf(purls)));
        return out;
    }

    @Override
    public long countIds(String tenantId) {
        return db.transaction(c -> Sql.one(c, "SELECT COUNT(*) FROM advisory_ids WHERE tenant_id = ?",
                rs -> rs.getLong(1), tenantId).orElse(0L));
    }
}
