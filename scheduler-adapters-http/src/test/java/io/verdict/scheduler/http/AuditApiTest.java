package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.http.support.TestServer.Resp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/scheduler/audit}: what an admin reads of the manage actions, filtered and paged, never another tenant's. */
class AuditApiTest {
    private static final String AUDIT = "/api/v1/scheduler/audit";
    private static final Instant T0 = Instant.parse("2025-10-26T14:00:00Z");
    static TestServer t;
    static String admin;
    static String runId;

    @BeforeAll
    static void start() {
        t = new TestServer();
        t.indexImages("acme", 2, "payments", List.of("pkg:npm/lodash@4.17.20"));
        Resp created = t.post("/api/v1/scheduler/runs", t.token("acme"), "{\"selector\":{\"scope\":\"all-images\"}}");
        assertThat(created.status()).isEqualTo(201);
        runId = created.json().get("id").asText();
        for (int i = 0; i < 7; i++) {
            t.storage.audit().append(new AuditRecord("acme", i % 2 == 0 ? "bob" : "carol", "schedule.update", "sch-" + (i % 3),
                    T0.plusSeconds(i / 2), "corr-" + i, Map.of("n", Integer.toString(i))));
        }
        t.storage.audit().append(new AuditRecord("globex", "mallory", "run.cancel", "run-x", T0, "corr-g", Map.of()));
        admin = t.token("acme", "scheduler.admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static String q(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    @Test
    void anAdminReadsTheApiActionsNewestFirstWithEveryField() {
        Resp r = t.get(AUDIT, admin);
        assertThat(r.status()).isEqualTo(200);
        JsonNode first = r.json().get("items").get(0);
        assertThat(first.get("action").asText()).isEqualTo("run.create");
        assertThat(first.get("actor").asText()).isEqualTo("alice@test");
        assertThat(first.get("target").asText()).isEqualTo(runId);
        assertThat(first.get("tenantId").asText()).isEqualTo("acme");
        assertThat(first.get("correlationId").asText()).isNotBlank();
        assertThat(first.get("occurredAt").asText()).endsWith("Z");
        // the two indexed images, the run, and the seven records appended in start()
        assertThat(r.json().get("items")).extracting(n -> n.get("action").asText())
                .containsOnly("run.create", "image.index", "schedule.update").hasSize(10);
        assertThat(r.json().has("nextCursor")).isFalse();
    }

    @Test
    void filtersCombineAndMatchExactly() {
        Resp bob = t.get(AUDIT + "?actor=bob&action=schedule.update", admin);
        assertThat(bob.status()).isEqualTo(200);
        assertThat(bob.json().get("items")).extracting(n -> n.get("correlationId").asText())
                .containsExactly("corr-6", "corr-4", "corr-2", "corr-0");
        assertThat(t.get(AUDIT + "?target=sch-1", admin).json().get("items"))
                .extracting(n -> n.get("correlationId").asText()).containsExactly("corr-4", "corr-1");
        Resp window = t.get(AUDIT + "?from=" + q(T0.plusSeconds(1).toString()) + "&to=" + q(T0.plusSeconds(3).toString()), admin);
        assertThat(window.json().get("items")).extracting(n -> n.get("correlationId").asText())
                .containsExactly("corr-5", "corr-4", "corr-3", "corr-2");
        assertThat(t.get(AUDIT + "?actor=Bob", admin).json().get("items")).isEmpty();
    }

    @Test
    void pagesFollowNextCursorWithoutRepeatsOrGaps() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Resp page = t.get(AUDIT + "?action=schedule.update&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().get("items").size()).isLessThanOrEqualTo(2);
            page.json().get("items").forEach(n -> seen.add(n.get("correlationId").asText()));
            cursor = page.json().has("nextCursor") ? page.json().get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 20);
        assertThat(pages).isEqualTo(4);
        assertThat(seen).containsExactly("corr-6", "corr-5", "corr-4", "corr-3", "corr-2", "corr-1", "corr-0");
    }

    @Test
    void anotherTenantSeesOnlyItsOwnRecordsEvenWithAnAcmeCursor() {
        String acmeCursor = t.get(AUDIT + "?limit=1", admin).json().get("nextCursor").asText();
        for (String path : List.of(AUDIT, AUDIT + "?actor=bob", AUDIT + "?cursor=" + acmeCursor)) {
            Resp globex = t.get(path, t.token("globex", "scheduler.admin"));
            assertThat(globex.status()).as(path).isEqualTo(200);
            assertThat(globex.body()).as(path).doesNotContain("acme").doesNotContain("bob").doesNotContain(runId);
        }
        assertThat(t.get(AUDIT, t.token("globex", "scheduler.admin")).json().get("items"))
                .extracting(n -> n.get("actor").asText()).containsExactly("mallory");
        Resp initech = t.get(AUDIT, t.token("initech", "scheduler.admin"));
        assertThat(initech.json().get("items")).isEmpty();
    }

    @Test
    void withoutTheAdminScopeIs403() {
        Resp r = t.get(AUDIT, t.token("acme"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("detail").asText()).contains("scheduler.admin");
    }

    @Test
    void badFiltersAndCursorsAre400NamingTheField() {
        String notAudit = Base64.getUrlEncoder().withoutPadding().encodeToString("1700000000000|run:x".getBytes(StandardCharsets.UTF_8));
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("limit=0", "limit");
        cases.put("limit=501", "limit");
        cases.put("limit=ten", "limit");
        cases.put("from=yesterday", "from");
        cases.put("to=2025-13-01T00:00:00Z", "to");
        cases.put("from=" + q(T0.toString()) + "&to=" + q(T0.toString()), "to");
        cases.put("cursor=" + q("not a cursor!"), "cursor");
        cases.put("cursor=" + notAudit, "cursor");
        cases.put("cursor=" + Base64.getUrlEncoder().withoutPadding().encodeToString("a1|12|x".getBytes(StandardCharsets.UTF_8)), "cursor");
        cases.put("actor=" + "a".repeat(300), "actor");
        cases.put("action=a&action=b", "action");
        cases.put("target=" + q("x\u0001y"), "target");
        for (var c : cases.entrySet()) {
            Resp r = t.get(AUDIT + "?" + c.getKey(), admin);
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(r.isProblem()).as(c.getKey()).isTrue();
            assertThat(r.json().get("errors").get(0).get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }
}
