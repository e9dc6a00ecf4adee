package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.records.RecordFixtures.q;
import static dev.runloom.records.RecordFixtures.where;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/records}: sort, search, chip filters, cursors both ways, counts, bad parameters. */
@ServiceTest("records")
class RecordListTest {
    @Inject ApiClient<Tenant> api;

    @Test
    void walksForwardAndBackWithCursorsInEverySort() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add((String) createRecord(api, ORG_A, "walk", "item " + (char) ('g' - i), Map.of("i", i)).get("id"));
        }
        createRecord(api, ORG_B, "walk", "other org", Map.of());
        List<String> newestFirst = new ArrayList<>(ids.reversed());

        Reply p1 = api.get("/v1/records?type=walk&limit=3", ORG_A);
        assertThat(ids(p1)).containsExactlyElementsOf(newestFirst.subList(0, 3));
        assertThat(p1.pagination()).containsEntry("prevCursor", null).containsEntry("hasPrev", false);
        Reply p2 = api.get("/v1/records?type=walk&limit=3&cursor=" + p1.pagination().get("nextCursor"), ORG_A);
        assertThat(ids(p2)).containsExactlyElementsOf(newestFirst.subList(3, 6));
        assertThat(p2.pagination()).containsEntry("hasPrev", true).containsEntry("currentOffset", 3);
        assertThat(p2.pagination().get("prevCursor")).isNotNull();
        Reply p3 = api.get("/v1/records?type=walk&limit=3&cursor=" + p2.pagination().get("nextCursor"), ORG_A);
        assertThat(ids(p3)).containsExactly(newestFirst.get(6));
        assertThat(p3.pagination()).containsEntry("hasMore", false).containsEntry("nextCursor", null)
                .containsEntry("currentOffset", 6);

        // back from page 3 to page 2 and page 1, with the cursor alone and with direction=prev
        Reply back2 = api.get("/v1/records?type=walk&limit=3&cursor=" + p3.pagination().get("prevCursor"), ORG_A);
        assertThat(ids(back2)).containsExactlyElementsOf(newestFirst.subList(3, 6));
        assertThat(back2.pagination()).containsEntry("hasPrev", true).containsEntry("hasMore", true)
                .containsEntry("currentOffset", 3);
        Reply back1 = api.get("/v1/records?type=walk&limit=3&direction=prev&cursor="
                + back2.pagination().get("prevCursor"), ORG_A);
        assertThat(ids(back1)).containsExactlyElementsOf(newestFirst.subList(0, 3));
        assertThat(back1.pagination()).containsEntry("hasPrev", false).containsEntry("prevCursor", null)
                .containsEntry("currentOffset", 0);
        // and forward again from the page reached backwards
        assertThat(ids(api.get("/v1/records?type=walk&limit=3&cursor=" + back1.pagination().get("nextCursor"), ORG_A)))
                .containsExactlyElementsOf(newestFirst.subList(3, 6));

        // name ascending (the default order for name) and descending
        Reply byName = api.get("/v1/records?type=walk&sortBy=name&limit=4", ORG_A);
        assertThat(names(byName)).containsExactly("item a", "item b", "item c", "item d");
        Reply byName2 = api.get("/v1/records?type=walk&sortBy=name&limit=4&cursor=" + byName.pagination().get("nextCursor"), ORG_A);
        assertThat(names(byName2)).containsExactly("item e", "item f", "item g");
        assertThat(names(api.get("/v1/records?type=walk&sortBy=name&limit=4&direction=prev&cursor="
                + byName2.pagination().get("prevCursor"), ORG_A))).containsExactly("item a", "item b", "item c", "item d");
        assertThat(names(api.get("/v1/records?type=walk&sortBy=name&sortOrder=desc&limit=2", ORG_A)))
                .containsExactly("item g", "item f");
        assertThat(ids(api.get("/v1/records?type=walk&sortBy=createdAt&sortOrder=asc&limit=2", ORG_A)))
                .containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(api.get("/v1/records?type=walk&sortBy=updatedAt&limit=100", ORG_A).data()).hasSize(7);

        // a cursor belongs to its sort
        api.get("/v1/records?type=walk&sortBy=name&cursor=" + p1.pagination().get("nextCursor"), ORG_A)
                .assertProblem(400, "invalid_parameter");
    }

    @Test
    void searchesAndFiltersOnTopLevelFieldsAndMetadata() {
        createRecord(api, ORG_A, "leads", "Acme Corp", Map.of("status", "open", "score", 90, "city", "Berlin",
                "address", Map.of("zip", "10115", "country", "DE"), "tags", List.of("vip", "b2b"), "since", "2024-01-15"));
        createRecord(api, ORG_A, "leads", "Beta LLC", Map.of("status", "closed", "score", 40, "city", "Paris",
                "address", Map.of("zip", "75001", "country", "FR"), "tags", List.of(), "since", "2023-06-01"));
        createRecord(api, ORG_A, "leads", "Gamma 100%_match", Map.of("status", "open", "score", "75", "empty", ""));
        createRecord(api, ORG_B, "leads", "Acme Corp", Map.of("status", "open", "score", 99));

        assertThat(names(api.get("/v1/records?type=leads&search=acme", ORG_A))).containsExactly("Acme Corp");
        assertThat(names(api.get("/v1/records?type=leads&search=" + q("100%_"), ORG_A))).containsExactly("Gamma 100%_match");
        assertThat(names(api.get("/v1/records?type=leads&search=" + q("%"), ORG_A))).containsExactly("Gamma 100%_match");

        assertThat(filtered("metadata.status", "eq", "open")).containsExactlyInAnyOrder("Acme Corp", "Gamma 100%_match");
        assertThat(filtered("metadata.status", "neq", "open")).containsExactly("Beta LLC");
        assertThat(filtered("metadata.address.country", "eq", "FR")).containsExactly("Beta LLC");
        assertThat(filtered("metadata.score", "eq", 75)).containsExactly("Gamma 100%_match");
        assertThat(filtered("metadata.score", "eq", "90")).containsExactly("Acme Corp");
        assertThat(filtered("metadata.score", "gt", 50)).containsExactlyInAnyOrder("Acme Corp", "Gamma 100%_match");
        assertThat(filtered("metadata.score", "lte", 40)).containsExactly("Beta LLC");
        assertThat(filtered("metadata.since", "gte", "2024-01-01")).containsExactly("Acme Corp");
        assertThat(filtered("metadata.since", "lt", "2024-01-01T00:00:00Z")).containsExactly("Beta LLC");
        assertThat(filtered("metadata.city", "contains", "ERL")).containsExactly("Acme Corp");
        assertThat(filtered("metadata.tags", "contains", "vip")).containsExactly("Acme Corp");
        assertThat(filtered("metadata.city", "startsWith", "par")).containsExactly("Beta LLC");
        assertThat(filtered("metadata.city", "in", List.of("Paris", "Rome"))).containsExactly("Beta LLC");
        assertThat(filtered("metadata.address", "exists", true)).containsExactlyInAnyOrder("Acme Corp", "Beta LLC");
        assertThat(filtered("metadata.address", "exists", false)).containsExactly("Gamma 100%_match");
        assertThat(filtered("metadata.empty", "isEmpty", true)).hasSize(3);
        assertThat(filtered("metadata.tags", "isEmpty", false)).containsExactly("Acme Corp");
        assertThat(filtered("name", "startsWith", "be")).containsExactly("Beta LLC");
        assertThat(filtered("name", "in", List.of("Acme Corp", "Nope"))).containsExactly("Acme Corp");
        assertThat(filtered("createdAt", "gt", "2000-01-01T00:00:00Z")).hasSize(3);
        assertThat(filtered("createdAt", "lt", "2000-01-01")).isEmpty();

        // OR, nested groups, and the filter's own type
        String or = q(api.toJson(Map.of("type", "leads", "combinator", "or", "where", List.of(
                cond("metadata.city", "eq", "Paris"), cond("metadata.score", "gte", 90)))));
        assertThat(names(api.get("/v1/records?filter=" + or, ORG_A))).containsExactlyInAnyOrder("Acme Corp", "Beta LLC");
        String nested = q(api.toJson(Map.of("where", List.of(cond("metadata.status", "eq", "open"),
                Map.of("combinator", "or", "where", List.of(cond("name", "contains", "gamma"), cond("metadata.city", "eq", "Paris")))))));
        assertThat(names(api.get("/v1/records?type=leads&filter=" + nested, ORG_A))).containsExactly("Gamma 100%_match");

        // counts: filtered counts are exact below the cap, and say they were not capped
        Reply counted = api.get("/v1/records?type=leads&includeCount=true&filter=" + where(api, "metadata.status", "eq", "open"), ORG_A);
        assertThat(counted.pagination()).containsEntry("totalCount", 2).containsEntry("countCapped", false);
        Reply plain = api.get("/v1/records?type=leads&includeCount=true", ORG_A);
        assertThat(plain.pagination()).containsEntry("totalCount", 3).containsEntry("countCapped", false);
        assertThat(api.get("/v1/records?type=leads", ORG_A).pagination()).doesNotContainKeys("totalCount", "countCapped");
    }

    @Test
    void badParametersAreProblemsThatNameThem() {
        for (String query : List.of("sortBy=size", "sortOrder=up", "limit=0", "limit=101", "limit=x", "cursor=garbage!",
                "direction=sideways", "includeCount=maybe", "search=" + "s".repeat(501), "type=" + "t".repeat(256))) {
            Reply reply = api.get("/v1/records?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat((String) reply.body().get("detail")).contains(query.substring(0, query.indexOf('=')));
        }
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("{not json", "valid JSON");
        filters.put("[1]", "where[0]");
        filters.put("\"text\"", "JSON object");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"like\",\"value\":\"x\"}]}", "'like'");
        filters.put("{\"where\":[{\"field\":\"color\",\"op\":\"eq\",\"value\":\"x\"}]}", "color");
        filters.put("{\"where\":[{\"field\":\"metadata.\",\"op\":\"eq\",\"value\":\"x\"}]}", "empty path");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"gt\",\"value\":\"soon\"}]}", "number or an ISO-8601 date");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"in\",\"value\":\"x\"}]}", "'in'");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"eq\",\"value\":{\"x\":1}}]}", "value");
        filters.put("{\"where\":[{\"field\":\"createdAt\",\"op\":\"eq\",\"value\":\"yesterday\"}]}", "ISO-8601");
        filters.put("{\"where\":[{\"field\":\"name\",\"op\":\"gt\",\"value\":1}]}", "'gt'");
        filters.put("{\"combinator\":\"xor\"}", "combinator");
        filters.put("{\"where\":{}}", "list");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"eq\",\"value\":\"nul\\u0000\"}]}", "NUL");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"exists\",\"value\":\"yes\"}]}", "exists");
        filters.put("{\"extra\":1}", "extra");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"gt\",\"value\":1e400}]}", "value");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"lt\",\"value\":\"1e400000\"}]}", "number or an ISO-8601 date");
        filters.put("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"in\",\"value\":[1,1e400]}]}", "value");
        for (Map.Entry<String, String> bad : filters.entrySet()) {
            Reply reply = api.get("/v1/records?filter=" + q(bad.getKey()), ORG_A);
            assertThat(reply.status()).as(bad.getKey() + ": " + reply.raw()).isEqualTo(400);
            assertThat(reply.body().get("code")).as(bad.getKey()).isEqualTo("invalid_filter");
            assertThat((String) reply.body().get("detail")).as(bad.getKey()).contains(bad.getValue());
        }
        // too many conditions (a body, since such a filter outgrows a URL: that is a 413 on GET)
        api.post("/v1/records/preview-filter", "{\"type\":\"t\",\"filter\":{\"where\":["
                + "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"x\"},".repeat(60)
                + "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"x\"}]}}", ORG_A).assertProblem(400, "invalid_filter");
        api.get("/v1/records?search=" + q("a\u0000b"), ORG_A).assertProblem(400);
        // huge numeric text in eq is plain text (no numeric twin), lone surrogates and emoji are just text
        assertThat(api.get("/v1/records?filter=" + where(api, "metadata.a", "eq", "1e400000"), ORG_A).status()).isEqualTo(200);
        assertThat(api.get("/v1/records?filter=" + where(api, "metadata.a", "contains", "\ud83d\ude00"), ORG_A).status()).isEqualTo(200);
        assertThat(api.get("/v1/records?filter=" + q("{\"where\":[{\"field\":\"metadata.a\",\"op\":\"eq\",\"value\":\"\\ud800\"}]}"), ORG_A)
                .status()).isEqualTo(400);
        // tampered and foreign cursors: 400, never another list's rows
        String huge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "r1|CREATED_AT|d|n|99999999999|record_x|2024-01-01T00:00:00Z".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        api.get("/v1/records?cursor=" + huge, ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records?limit=1000000000", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records?limit=-1", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records", null).assertProblem(401, "unauthorized");
    }

    private List<String> filtered(String field, String op, Object value) {
        Reply reply = api.get("/v1/records?type=leads&limit=100&filter=" + where(api, field, op, value), ORG_A);
        assertThat(reply.status()).as(field + " " + op + " " + value + ": " + reply.raw()).isEqualTo(200);
        return names(reply);
    }

    static Map<String, Object> cond(String field, String op, Object value) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("field", field);
        c.put("op", op);
        c.put("value", value);
        return c;
    }

    static List<String> ids(Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.data().stream().map(r -> (String) r.get("id")).toList();
    }

    static List<String> names(Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.data().stream().map(r -> (String) r.get("name")).toList();
    }
}
