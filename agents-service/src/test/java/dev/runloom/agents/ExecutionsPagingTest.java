package dev.runloom.agents;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static dev.runloom.agents.AgentFixtures.keys;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/agents/:id/executions}: cursor pages forwards and back, counts, filters, bad parameters. */
@ServiceTest("agents")
class ExecutionsPagingTest {
    /** The class has a database of its own, so one organization's executions are all there is. */
    private static final Tenant PAGING = ORG_A;
    private static final String EXECUTE_BODY = "{\"messages\": [{\"role\": \"user\", \"content\": \"run %d\"}]%s}";

    @Inject ApiClient<Tenant> api;

    String agentId;
    String otherAgentId;
    /** Agent A's 25 executions, newest first (the list order). */
    List<String> newestFirst = new ArrayList<>();
    String path;

    @BeforeAll
    void twentyFiveExecutions() {
        agentId = api.post("/v1/agents", "{\"name\": \"Busy\"}", PAGING).string("id");
        otherAgentId = api.post("/v1/agents", "{\"name\": \"Other\"}", PAGING).string("id");
        path = "/v1/agents/" + agentId + "/executions";
        for (int i = 0; i < 25; i++) {
            String options = i < 5 ? ", \"options\": {\"surfaceType\": \"webhook\", \"streamResponse\": false}"
                    : ", \"options\": {\"streamResponse\": false}";
            Reply executed = api.post("/v1/agents/" + agentId + "/execute", EXECUTE_BODY.formatted(i, options), PAGING);
            assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
            newestFirst.addFirst(executed.string("executionId"));
        }
        assertThat(api.post("/v1/agents/" + otherAgentId + "/execute", EXECUTE_BODY.formatted(99, ", \"options\": {\"streamResponse\": false}"), PAGING).status())
                .isEqualTo(200);
    }

    @Test
    void walksForwardsAndBackByCursor() {
        Reply first = page(path + "?limit=10&includeCount=true");
        assertPage(first, newestFirst.subList(0, 10), true, false, 0);
        JsonNode p1 = first.tree().get("pagination");
        assertThat(p1.get("prevCursor").isNull()).isTrue();
        assertThat(p1.get("totalCount").getLongValue()).isEqualTo(25);
        assertThat(p1.get("totalPages").getIntValue()).isEqualTo(3);
        assertThat(p1.get("currentPage").getIntValue()).isEqualTo(1);

        Reply second = page(path + "?limit=10&includeCount=true&cursor=" + cursor(p1, "nextCursor"));
        assertPage(second, newestFirst.subList(10, 20), true, true, 10);
        JsonNode p2 = second.tree().get("pagination");
        assertThat(p2.get("totalCount").getLongValue()).isEqualTo(25);
        assertThat(p2.get("currentPage").getIntValue()).isEqualTo(2);

        Reply third = page(path + "?limit=10&includeCount=true&cursor=" + cursor(p2, "nextCursor"));
        assertPage(third, newestFirst.subList(20, 25), false, true, 20);
        JsonNode p3 = third.tree().get("pagination");
        assertThat(p3.get("nextCursor").isNull()).isTrue();
        assertThat(p3.get("currentPage").getIntValue()).isEqualTo(3);
        assertThat(p3.get("totalPages").getIntValue()).isEqualTo(3);

        List<String> walked = new ArrayList<>();
        for (Reply r : List.of(first, second, third)) {
            walked.addAll(ids(r));
        }
        assertThat(walked).hasSize(25).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst);

        // back from the third page to the second, and from the second to the first
        Reply backToSecond = page(path + "?limit=10&cursor=" + cursor(p3, "prevCursor"));
        assertPage(backToSecond, newestFirst.subList(10, 20), true, true, 10);
        Reply backToFirst = page(path + "?limit=10&cursor=" + cursor(backToSecond.tree().get("pagination"), "prevCursor"));
        assertPage(backToFirst, newestFirst.subList(0, 10), true, false, 0);
        assertThat(backToFirst.tree().get("pagination").get("prevCursor").isNull()).isTrue();

        // totals only when asked for
        assertThat(keys(backToFirst.tree().get("pagination"))).containsExactlyInAnyOrder("nextCursor", "prevCursor",
                "hasMore", "hasPrev", "limit", "currentOffset");

        // the default page size is 10; uneven pages keep their offsets
        assertPage(page(path), newestFirst.subList(0, 10), true, false, 0);
        Reply sevens = page(path + "?limit=7");
        Reply sevens2 = page(path + "?limit=7&cursor=" + cursor(sevens.tree().get("pagination"), "nextCursor"));
        assertPage(sevens2, newestFirst.subList(7, 14), true, true, 7);
    }

    @Test
    void filtersByStatusSurfaceAndTime() {
        assertThat(ids(page(path + "?surfaceType=webhook&limit=100"))).containsExactlyElementsOf(newestFirst.subList(20, 25));
        assertThat(total(page(path + "?surfaceType=api&includeCount=true"))).isEqualTo(20);
        assertThat(total(page(path + "?status=completed&includeCount=true"))).isEqualTo(25);
        assertThat(total(page(path + "?status=failed&includeCount=true"))).isZero();
        assertThat(ids(page(path + "?status=failed"))).isEmpty();

        // from is inclusive, to exclusive, both on createdAt
        JsonNode all = page(path + "?limit=100").tree().get("data");
        Instant to = Instant.parse(all.get(5).get("createdAt").getStringValue());
        Instant from = Instant.parse(all.get(19).get("createdAt").getStringValue());
        List<String> expected = new ArrayList<>();
        for (JsonNode row : all.values()) {
            Instant createdAt = Instant.parse(row.get("createdAt").getStringValue());
            if (!createdAt.isBefore(from) && createdAt.isBefore(to)) {
                expected.add(row.get("id").getStringValue());
            }
        }
        assertThat(expected).isNotEmpty().hasSizeLessThan(25);
        assertThat(ids(page(path + "?limit=100&from=" + from + "&to=" + to))).containsExactlyElementsOf(expected);
        assertThat(total(page(path + "?from=2000-01-01&includeCount=true"))).isEqualTo(25);
        assertThat(ids(page(path + "?to=2000-01-01"))).isEmpty();
    }

    @Test
    void drillsDownAcrossAgentsByExecutionId() {
        String executionOfA = newestFirst.get(3);
        Reply drill = page("/v1/agents/" + otherAgentId + "/executions?executionId=" + executionOfA);
        assertThat(ids(drill)).containsExactly(executionOfA);
        assertThat(drill.tree().get("data").get(0).get("agentId").getStringValue()).isEqualTo(agentId);
        assertThat(ids(page(path + "?parentExecutionId=exec_nobody"))).isEmpty();
        assertThat(ids(page("/v1/agents/" + otherAgentId + "/executions"))).hasSize(1);
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() {
        assertBadParameter(path + "?limit=0", "limit");
        assertBadParameter(path + "?limit=101", "limit");
        assertBadParameter(path + "?limit=ten", "limit");
        assertBadParameter(path + "?cursor=not-a-cursor", "cursor");
        assertBadParameter(path + "?cursor=%25%25%25", "cursor");
        assertBadParameter(path + "?includeCount=maybe", "includeCount");
        assertBadParameter(path + "?status=sleeping", "status");
        assertBadParameter(path + "?from=yesterday", "from");
        assertBadParameter(path + "?from=2024-06-10T00:00:00Z&to=2024-06-09T00:00:00Z", "to");
        Reply unknown = api.get("/v1/agents/agent_nope/executions", PAGING);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.string("code")).isEqualTo("not_found");
    }

    private void assertBadParameter(String url, String parameter) {
        Reply response = api.get(url, PAGING).assertProblem(400, "invalid_parameter");
        assertThat(response.string("detail")).as(url).contains("'" + parameter + "'");
    }

    private Reply page(String url) {
        Reply response = api.get(url, PAGING);
        assertThat(response.status()).as(url + " -> " + response.raw()).isEqualTo(200);
        return response;
    }

    private static void assertPage(Reply response, List<String> expectedIds, boolean hasMore, boolean hasPrev,
                                   int currentOffset) {
        JsonNode pagination = response.tree().get("pagination");
        assertThat(ids(response)).as(response.raw()).containsExactlyElementsOf(expectedIds);
        assertThat(pagination.get("hasMore").getBooleanValue()).as("hasMore").isEqualTo(hasMore);
        assertThat(pagination.get("nextCursor").isNull()).as("nextCursor null").isEqualTo(!hasMore);
        assertThat(pagination.get("hasPrev").getBooleanValue()).as("hasPrev").isEqualTo(hasPrev);
        assertThat(pagination.get("prevCursor").isNull()).as("prevCursor null").isEqualTo(!hasPrev);
        assertThat(pagination.get("currentOffset").getIntValue()).as("currentOffset").isEqualTo(currentOffset);
    }

    private static List<String> ids(Reply response) {
        List<String> ids = new ArrayList<>();
        response.tree().get("data").values().forEach(row -> ids.add(row.get("id").getStringValue()));
        assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
        return ids;
    }

    private static long total(Reply response) {
        return response.tree().get("pagination").get("totalCount").getLongValue();
    }

    private static String cursor(JsonNode pagination, String which) {
        assertThat(pagination.get(which).isString()).as(which).isTrue();
        return URLEncoder.encode(pagination.get(which).getStringValue(), StandardCharsets.UTF_8);
    }
}
