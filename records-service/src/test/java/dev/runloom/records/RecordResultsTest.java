package dev.runloom.records;

import dev.runloom.events.EventStream;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.RecordExecutionCompletedV1.PromptResultV1;
import dev.runloom.flows.events.RecordRefV1;
import dev.runloom.kernel.consumer.DeadLetters;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.Poll;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record results projection, end to end: RecordExecutionCompletedV1 CloudEvents produced to
 * the executions topic by a plain KafkaProducer, read back through {@code GET /v1/records/:id/results}.
 */
@ServiceTest("records")
class RecordResultsTest {
    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;

    static final Instant T0 = Instant.parse("2024-06-10T15:45:30Z");

    @Inject TransactionOperations<Connection> transactions;

    @Test
    void projectsResultsAndServesThemWithFiltersPagingAndCounts() {
        String recordId = (String) createRecord(api, ORG_A, "leads", "Lead 1", Map.of()).get("id");
        String u = UUID.randomUUID().toString();
        send(execution("exec-1-" + u, recordId, "flow_a", "Onboarding Flow", T0,
                entry("res-1-" + u, "step_p1", "User Signup Validation", "completed", null),
                entry("res-2-" + u, "step_p2", "Summary", "completed", Map.of("text", "hi", "score", 3))));
        send(execution("exec-2-" + u, recordId, "flow_a", "Onboarding Flow", T0.plusSeconds(3600),
                entry("res-3-" + u, "step_p1", "User Signup Validation", "failed", "boom")));
        send(execution("exec-3-" + u, recordId, "flow_b", "Scoring Flow", T0.plusSeconds(7200),
                entry("res-4-" + u, "step_p1", "User Signup Validation", "completed", List.of(1, 2)),
                entry("res-5-" + u, "step_p3", "Enrich", "skipped", null)));
        awaitTotal(recordId, 5);

        // default page: newest first (ties by id, newest first too), no COUNT(*) but exact for one page
        Reply page = api.get("/v1/records/" + recordId + "/results", ORG_A);
        assertThat(page.status()).isEqualTo(200);
        assertThat(ids(page)).containsExactly("res-5-" + u, "res-4-" + u, "res-3-" + u, "res-2-" + u, "res-1-" + u);
        assertThat(page.pagination()).isEqualTo(pagination(1, 10, false, false, 5, 1));
        Map<String, Object> oldest = page.data().get(4);
        assertThat(oldest.keySet()).containsExactlyInAnyOrder("id", "recordId", "promptId", "flowId", "status",
                "createdAt", "promptName", "flowName", "result");
        assertThat(oldest).containsEntry("recordId", recordId).containsEntry("promptId", "step_p1")
                .containsEntry("flowId", "flow_a").containsEntry("status", "completed")
                .containsEntry("createdAt", "2024-06-10T15:45:30Z").containsEntry("promptName", "User Signup Validation")
                .containsEntry("flowName", "Onboarding Flow").containsEntry("result", null);
        assertThat(page.data().get(3)).containsEntry("result", Map.of("text", "hi", "score", 3));
        assertThat(page.data().get(2)).containsEntry("result", "boom");
        assertThat(page.data().get(1)).containsEntry("result", List.of(1, 2));

        // paging without a count: hasMore from one extra row, total = what is known so far
        Reply p1 = api.get("/v1/records/" + recordId + "/results?limit=2", ORG_A);
        assertThat(ids(p1)).containsExactly("res-5-" + u, "res-4-" + u);
        assertThat(p1.pagination()).isEqualTo(pagination(1, 2, true, false, 3, 2));
        Reply p3 = api.get("/v1/records/" + recordId + "/results?limit=2&page=3", ORG_A);
        assertThat(ids(p3)).containsExactly("res-1-" + u);
        assertThat(p3.pagination()).isEqualTo(pagination(3, 2, false, true, 5, 3));
        // with a count: exact totals
        Reply p2 = api.get("/v1/records/" + recordId + "/results?limit=2&page=2&includeCount=true", ORG_A);
        assertThat(ids(p2)).containsExactly("res-3-" + u, "res-2-" + u);
        assertThat(p2.pagination()).isEqualTo(pagination(2, 2, true, true, 5, 3));
        Reply beyond = api.get("/v1/records/" + recordId + "/results?limit=2&page=9&includeCount=true", ORG_A);
        assertThat(beyond.data()).isEmpty();
        assertThat(beyond.pagination()).containsEntry("total", 5).containsEntry("hasMore", false);

        // filters
        String base = "/v1/records/" + recordId + "/results?includeCount=true&";
        assertThat(ids(api.get(base + "status=failed", ORG_A))).containsExactly("res-3-" + u);
        assertThat(ids(api.get(base + "promptId=step_p1", ORG_A))).containsExactly("res-4-" + u, "res-3-" + u, "res-1-" + u);
        assertThat(ids(api.get(base + "flowId=flow_b", ORG_A))).containsExactly("res-5-" + u, "res-4-" + u);
        assertThat(ids(api.get(base + "from=2024-06-10T16:00:00Z", ORG_A))).containsExactly("res-5-" + u, "res-4-" + u, "res-3-" + u);
        assertThat(ids(api.get(base + "to=2024-06-10T16:45:30Z", ORG_A))).containsExactly("res-3-" + u, "res-2-" + u, "res-1-" + u);
        Reply window = api.get(base + "from=2024-06-10T16:00:00Z&to=2024-06-10T17:00:00Z", ORG_A);
        assertThat(ids(window)).containsExactly("res-3-" + u);
        assertThat(window.pagination()).containsEntry("total", 1);
        assertThat(ids(api.get(base + "flowId=flow_a&status=completed", ORG_A))).containsExactly("res-2-" + u, "res-1-" + u);
        assertThat(api.get(base + "status=running", ORG_A).data()).isEmpty();

        // ordering
        assertThat(ids(api.get(base + "sortOrder=asc", ORG_A)))
                .containsExactly("res-1-" + u, "res-2-" + u, "res-3-" + u, "res-4-" + u, "res-5-" + u);
        assertThat(api.get(base + "sortBy=status&sortOrder=asc", ORG_A).data()).extracting(r -> r.get("status"))
                .containsExactly("completed", "completed", "completed", "failed", "skipped");
        assertThat(api.get(base + "sortBy=status", ORG_A).data()).extracting(r -> r.get("status"))
                .containsExactly("skipped", "failed", "completed", "completed", "completed");

        // tenancy and bad input
        api.get("/v1/records/" + recordId + "/results", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/records/record_nope/results", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/records/" + recordId + "/results", null).assertProblem(401, "unauthorized");
        for (String query : List.of("page=0", "page=first", "limit=0", "limit=101", "from=yesterday", "to=2024-13-45",
                "sortBy=name", "sortOrder=sideways", "includeCount=maybe")) {
            Reply bad = api.get("/v1/records/" + recordId + "/results?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat((String) bad.body().get("detail")).contains("'" + query.substring(0, query.indexOf('=')) + "'");
        }
        api.get("/v1/records/" + recordId + "/results?from=2024-06-11T00:00:00Z&to=2024-06-10T00:00:00Z", ORG_A)
                .assertProblem(400, "invalid_parameter");
    }

    @Test
    void theSameResultDeliveredTwiceIsStoredOnce() {
        String recordId = (String) createRecord(api, ORG_A, "leads", "Lead 2", Map.of()).get("id");
        String u = UUID.randomUUID().toString();
        RecordExecutionCompletedV1 execution = execution("exec-d-" + u, recordId, "flow_a", "Onboarding Flow", T0,
                entry("res-a-" + u, "step_p1", "Validation", "completed", null),
                entry("res-b-" + u, "step_p2", "Summary", "completed", "ok"));
        String eventId = "evt-" + u;
        send(eventId, execution);
        send(eventId, execution);                 // redelivery: the inbox skips it
        send("evt-other-" + u, execution);         // same results under another event id: ON CONFLICT skips them
        // same key, so same partition: once this one is visible, everything before it was processed
        send(execution("exec-m-" + u, recordId, "flow_a", "Onboarding Flow", T0.plusSeconds(60),
                entry("res-c-" + u, "step_p1", "Validation", "completed", null)));
        awaitTotal(recordId, 3);

        Reply all = api.get("/v1/records/" + recordId + "/results?includeCount=true", ORG_A);
        assertThat(ids(all)).containsExactly("res-c-" + u, "res-b-" + u, "res-a-" + u);
        assertThat(all.pagination()).containsEntry("total", 3);
    }

    @Test
    void unprocessableMessagesAreDeadLetteredAndLaterEventsStillProject() {
        String recordId = (String) createRecord(api, ORG_A, "leads", "Lead 3", Map.of()).get("id");
        String u = UUID.randomUUID().toString();
        String topic = topics.of(FlowEvents.EXECUTIONS);
        byte[] garbage = ("not a cloud event " + u).getBytes(StandardCharsets.UTF_8);
        byte[] incomplete = ("{\"executionId\":\"exec-x-" + u + "\"}").getBytes(StandardCharsets.UTF_8);

        kafka.produce(new ProducerRecord<>(topic, recordId, garbage));
        kafka.produce(CloudEventCodec.toRecord(topic, recordId, CloudEventCodec.build("evt-bad-" + u, "urn:test",
                FlowEvents.RECORD_EXECUTION_COMPLETED.type(), "exec-x-" + u, "org_a", null, OffsetDateTime.now(), incomplete)));
        // not ours to project: ignored, neither stored nor dead-lettered
        kafka.produce(CloudEventCodec.toRecord(topic, recordId, CloudEventCodec.build("evt-other-type-" + u, "urn:test",
                "runloom.flows.something-else.v1", "x", "org_a", null, OffsetDateTime.now(), "{}".getBytes(StandardCharsets.UTF_8))));
        // a record this service does not know: still history, stored
        send(execution("exec-u-" + u, "record_unknown_" + u, "flow_a", "Onboarding Flow", T0,
                entry("res-unknown-" + u, "step_p1", "Validation", "completed", null)));
        send(execution("exec-g-" + u, recordId, "flow_a", "Onboarding Flow", T0,
                entry("res-good-" + u, "step_p1", "Validation", "completed", "fine")));

        awaitTotal(recordId, 1);
        assertThat(ids(api.get("/v1/records/" + recordId + "/results", ORG_A))).containsExactly("res-good-" + u);
        awaitStored("res-unknown-" + u);

        String dlq = EventStream.deadLetterTopic(topic);
        List<ConsumerRecord<String, byte[]>> dead = kafka.read(dlq, 2, Duration.ofSeconds(30));
        assertThat(dead).hasSize(2);
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(new String(garbage, StandardCharsets.UTF_8), new String(incomplete, StandardCharsets.UTF_8));
        assertThat(dead).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(recordId);
            assertThat(r.headers().lastHeader(DeadLetters.ERROR_HEADER)).isNotNull();
            assertThat(new String(r.headers().lastHeader(DeadLetters.CONSUMER_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("records-service.flow-results");
        });
    }

    @Test
    void costsSumTheRecordsResultsPerModelAndAResultCanBeDeleted() {
        String recordId = (String) createRecord(api, ORG_A, "leads", "Costly", Map.of()).get("id");
        String u = UUID.randomUUID().toString();
        send(execution("exec-c1-" + u, recordId, "flow_a", "Onboarding Flow", T0,
                entry("res-c1-" + u, "step_p1", "Validate", "completed", null),
                new PromptResultV1("res-c2-" + u, "step_p2", "Write", "completed", "text", "gpt-4o", 100, 50,
                        new BigDecimal("0.0015"))));
        send(execution("exec-c2-" + u, recordId, "flow_a", "Onboarding Flow", T0.plusSeconds(60),
                new PromptResultV1("res-c3-" + u, "step_p2", "Write", "completed", "text", "gpt-4o", 200, 100,
                        new BigDecimal("0.0030"))));
        awaitTotal(recordId, 3);

        Reply costs = api.get("/v1/records/" + recordId + "/costs", ORG_A);
        costs.assertStatus(200);
        assertThat(costs.body()).containsOnlyKeys("totalCost", "totalTokens", "promptTokens", "completionTokens",
                "executionCount", "modelBreakdown");
        assertThat(new BigDecimal(costs.tree().get("totalCost").getNumberValue().toString()))
                .isEqualByComparingTo("0.0045117");
        assertThat(costs.body()).containsEntry("promptTokens", 330).containsEntry("completionTokens", 162)
                .containsEntry("totalTokens", 492).containsEntry("executionCount", 2);
        List<Map<String, Object>> models = costs.list("modelBreakdown");
        assertThat(models).extracting(m -> m.get("model")).containsExactly("gpt-4o", "local");
        assertThat(models.get(0)).containsEntry("tokens", 450).containsEntry("count", 2);
        assertThat(models.get(1)).containsEntry("tokens", 42).containsEntry("count", 1);

        // a record without results costs nothing
        String idle = (String) createRecord(api, ORG_A, "leads", "Idle", Map.of()).get("id");
        assertThat(api.get("/v1/records/" + idle + "/costs", ORG_A).body()).containsEntry("totalCost", 0)
                .containsEntry("executionCount", 0).containsEntry("modelBreakdown", List.of());

        // org B sees neither the costs nor the results, and cannot delete them
        api.get("/v1/records/" + recordId + "/costs", ORG_B).assertProblem(404, "not_found");
        api.send(HttpRequest.DELETE("/v1/records/" + recordId + "/results/res-c1-" + u), ORG_B).assertProblem(404, "not_found");

        Reply deleted = api.send(HttpRequest.DELETE("/v1/records/" + recordId + "/results/res-c1-" + u), ORG_A);
        deleted.assertStatus(200);
        assertThat(deleted.body()).isEqualTo(Map.of("success", true));
        api.send(HttpRequest.DELETE("/v1/records/" + recordId + "/results/res-c1-" + u), ORG_A).assertProblem(404, "not_found");
        api.send(HttpRequest.DELETE("/v1/records/" + recordId + "/results/nope"), ORG_A).assertProblem(404, "not_found");
        api.send(HttpRequest.DELETE("/v1/records/" + idle + "/results/res-c2-" + u), ORG_A)
                .assertProblem(404, "not_found");
        api.send(HttpRequest.DELETE("/v1/records/record_nope/results/res-c2-" + u), ORG_A).assertProblem(404, "not_found");
        assertThat(api.get("/v1/records/" + recordId + "/results?includeCount=true", ORG_A).pagination().get("total")).isEqualTo(2);
        assertThat(api.get("/v1/records/" + recordId + "/costs", ORG_A).body()).containsEntry("executionCount", 2)
                .containsEntry("promptTokens", 300);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static RecordExecutionCompletedV1 execution(String executionId, String recordId, String flowId, String flowName,
                                                        Instant completedAt, PromptResultV1... results) {
        return new RecordExecutionCompletedV1(executionId, "org_a", "user_a", flowId, flowName, flowId + "_v1", "batch_1",
                null, new RecordRefV1(recordId, "name", "leads"), "completed", true, null, completedAt.minusMillis(1500),
                completedAt, 1500, 0, results.length, 42, new BigDecimal("0.000123"), Arrays.asList(results));
    }

    private static PromptResultV1 entry(String resultId, String promptId, String promptName, String status, Object result) {
        return new PromptResultV1(resultId, promptId, promptName, status, result, "local", 30, 12, new BigDecimal("0.0000117"));
    }

    private void send(RecordExecutionCompletedV1 execution) {
        send("evt-" + UUID.randomUUID(), execution);
    }

    private void send(String eventId, RecordExecutionCompletedV1 execution) {
        byte[] data;
        try {
            data = json.writeValueAsBytes(execution);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka.produce(CloudEventCodec.toRecord(topics.of(FlowEvents.EXECUTIONS), execution.record().id(),
                CloudEventCodec.build(eventId, "urn:runloom:flows-service", FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                        execution.executionId(), execution.organizationId(), null,
                        OffsetDateTime.now(ZoneOffset.UTC), data)));
    }

    private void awaitTotal(String recordId, int expected) {
        Poll.until(() -> api.get("/v1/records/" + recordId + "/results?includeCount=true", ORG_A).pagination().get("total"),
                total -> Integer.valueOf(expected).equals(total));
    }

    private void awaitStored(String resultId) {
        Poll.until(() -> stored(resultId), stored -> stored);
    }

    private boolean stored(String resultId) {
        return transactions.executeRead(status -> {
            try (PreparedStatement q = status.getConnection().prepareStatement("SELECT 1 FROM record_results WHERE id = ?")) {
                q.setString(1, resultId);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private static List<Object> ids(Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.data().stream().map(r -> r.get("id")).toList();
    }

    private static Map<String, Object> pagination(int page, int limit, boolean hasMore, boolean hasPrev, int total, int totalPages) {
        return Map.of("page", page, "limit", limit, "hasMore", hasMore, "hasPrev", hasPrev, "total", total,
                "totalPages", totalPages, "hasNextPage", hasMore, "hasPrevPage", hasPrev);
    }
}
