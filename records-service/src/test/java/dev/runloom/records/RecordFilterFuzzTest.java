package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import jakarta.inject.Inject;
import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-style: random filters — valid and invalid fields, operators, values and shapes, over
 * records with awkward metadata — are answered 200 or 400, never a 500 or an SQL error, on the
 * list, the preview, the bulk edit and the export.
 */
@ServiceTest("records")
class RecordFilterFuzzTest {
    private static final List<String> FIELDS = List.of("id", "name", "type", "createdAt", "updatedAt", "metadata.s",
            "metadata.n", "metadata.d", "metadata.b", "metadata.arr", "metadata.obj.x", "metadata.obj", "metadata.missing",
            "metadata.a'b", "metadata.\"q\"", "metadata.;drop", "metadata.%", "metadata.\ud800", "metadata", "metadata..x", "", "unknown");
    private static final List<String> OPS = List.of("eq", "neq", "contains", "startsWith", "gt", "gte", "lt", "lte",
            "in", "exists", "isEmpty", "like", "", "EQ");
    private static final List<Object> VALUES = Arrays.asList("text", "", "2024-01-01", "2024-01-01T10:00:00Z", "42",
            "-1.5e3", 42, 3.14, -7, true, false, null, "' OR 1=1 --", "%_\\", "\u00e9\u4e2d\ud83d\ude00", "now",
            "NaN", "Infinity", "\ud800", "nul\u0000", 1e300, List.of("a", 1), List.of(), Map.of("x", 1), "9".repeat(400));

    @Inject ApiClient<Tenant> api;
    @Inject @Client("/") HttpClient http;
    @Inject InternalTokens tokens;

    /** A successful export as an empty 200 reply (its body is CSV); a problem as the JSON reply it is. */
    private Reply export(String uri) {
        try {
            int status = http.toBlocking().exchange(HttpRequest.GET(uri).header(InternalTokens.HEADER, tokens.sign(ORG_A)),
                    String.class).code();
            return new Reply(status, "text/csv", "", json);
        } catch (HttpClientResponseException e) {
            return api.get(uri, ORG_A);
        }
    }

    @Test
    void randomFiltersNeverFailTheServer() {
        createRecord(api, ORG_A, "fz", "r1", Map.of("s", "hello", "n", 5, "d", "2024-03-01T00:00:00Z", "b", true,
                "arr", List.of("x", 2), "obj", Map.of("x", "y")));
        createRecord(api, ORG_A, "fz", "r2", Map.of("s", "now", "n", "12", "d", "not a date", "b", "false", "arr", "scalar",
                "obj", List.of(1)));
        createRecord(api, ORG_A, "fz", "r3", Map.of());
        Random random = new Random(20261201L);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            Map<String, Object> filter = group(random, 0);
            String json = api.toJson(filter);
            Reply reply = switch (i % 4) {
                case 0 -> api.get("/v1/records?type=fz&includeCount=true&filter=" + RecordFixtures.q(json), ORG_A);
                case 1 -> api.post("/v1/records/preview-filter", Map.of("type", "fz", "filter", filter), ORG_A);
                // an empty merge patch changes no metadata, so the fixture stays as it is
                case 2 -> api.post("/v1/records/bulk-edit", Map.of("type", "fz", "filter", filter, "metadata", Map.of()), ORG_A);
                default -> export("/v1/records/export?type=fz&filter=" + RecordFixtures.q(json));
            };
            assertThat(reply.status()).as(json + " → " + reply.raw()).isIn(200, 400);
            if (reply.status() == 400) {
                assertThat(reply.body().get("code")).as(json).isIn("invalid_filter", "validation_failed", "invalid_parameter", "invalid_text");
            }
            statuses.add(reply.status());
        }
        // the generator reaches both outcomes
        assertThat(statuses).contains(200, 400);
    }

    @Inject JsonMapper json;

    private static Map<String, Object> group(Random random, int depth) {
        Map<String, Object> group = new LinkedHashMap<>();
        if (random.nextInt(4) == 0) {
            group.put("combinator", random.nextBoolean() ? "or" : random.nextInt(5) == 0 ? "nand" : "AND");
        }
        List<Object> where = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (depth < 3 && random.nextInt(5) == 0) {
                where.add(group(random, depth + 1));
            } else {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("field", FIELDS.get(random.nextInt(FIELDS.size())));
                c.put("op", OPS.get(random.nextInt(OPS.size())));
                if (random.nextInt(6) != 0) {
                    c.put("value", random.nextInt(4) == 0
                            ? Arrays.asList(VALUES.get(random.nextInt(VALUES.size())), "v")
                            : VALUES.get(random.nextInt(VALUES.size())));
                }
                where.add(c);
            }
        }
        group.put("where", where);
        return group;
    }
}
