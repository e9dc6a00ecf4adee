package dev.runloom.records.stepresults;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.RecordRefV1;
import dev.runloom.flows.events.StepResultV1;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/records/:id/step-results}: projected from RecordExecutionCompletedV1.steps, filtered, offset-paged. */
@ServiceTest("records")
class RecordStepResultsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;

    @Test
    void projectsTheStepsOfEveryExecutionAndServesThemWithFiltersAndPaging() {
        Reply created = api.post("/v1/records", Map.of("type", "leads", "name", "Stepped"), ORG_A);
        created.assertStatus(201);
        String recordId = (String) created.body().get("id");
        String u = UUID.randomUUID().toString();
        send(execution("exec-1-" + u, recordId, "flow_a", "batch_1", T0,
                step("sr-1-" + u, "step_t", "Render", "template", 0, "completed", T0, null, null),
                step("sr-2-" + u, "step_p", "Ask", "prompt", 1, "completed", T0.plusMillis(200), "gpt-4o", new BigDecimal("0.0045"))));
        send(execution("exec-2-" + u, recordId, "flow_b", null, T0.plusSeconds(60),
                step("sr-3-" + u, "step_p", "Ask", "prompt", 0, "failed", T0.plusSeconds(60), "gpt-4o", BigDecimal.ZERO)));
        // an event from a producer that predates steps adds no step results
        send(new RecordExecutionCompletedV1("exec-old-" + u, "org_a", "user_a", "flow_a", "Flow A", "flow_a_v1", null,
                null, new RecordRefV1(recordId, "Stepped", "leads"), "completed", true, null, T0, T0, 0, 0, 0, 0,
                BigDecimal.ZERO, List.of()));
        Poll.until(() -> api.get("/v1/records/" + recordId + "/step-results", ORG_A).data().size(), n -> n == 3);

        Reply all = api.get("/v1/records/" + recordId + "/step-results", ORG_A);
        all.assertStatus(200);
        assertThat(all.data()).extracting(r -> r.get("id")).containsExactly("sr-3-" + u, "sr-2-" + u, "sr-1-" + u);
        assertThat(all.pagination()).isEqualTo(Map.of("limit", 25, "offset", 0, "returned", 3, "hasMore", false));
        Map<String, Object> ask = all.data().get(1);
        assertThat(ask).containsEntry("recordId", recordId).containsEntry("recordName", "Stepped")
                .containsEntry("executionSessionId", "exec-1-" + u).containsEntry("batchExecutionId", "batch_1")
                .containsEntry("flowId", "flow_a").containsEntry("flowVersionId", "flow_a_v1")
                .containsEntry("stepId", "step_p").containsEntry("stepName", "Ask").containsEntry("stepType", "prompt")
                .containsEntry("order", 1).containsEntry("status", "completed").containsEntry("modelUsed", "gpt-4o")
                .containsEntry("promptTokens", 100).containsEntry("completionTokens", 20).containsEntry("totalTokens", 120)
                .containsEntry("estimatedCost", "0.0045").containsEntry("outputPreview", "out of Ask")
                .containsEntry("durationMs", 200).containsEntry("retryCount", 0).containsEntry("organizationId", "org_a")
                .containsEntry("userId", "user_a").containsEntry("startedAt", "2026-03-01T12:00:00.200Z");
        assertThat(ask.keySet()).contains("recordMetadata", "stepConfig", "inputVariables", "resolvedPrompt", "errorMessage");

        assertThat(ids("flowId=flow_b", recordId)).containsExactly("sr-3-" + u);
        assertThat(ids("status=completed&sortBy=order&sortOrder=asc", recordId)).containsExactly("sr-1-" + u, "sr-2-" + u);
        assertThat(ids("stepId=step_p&batchId=batch_1", recordId)).containsExactly("sr-2-" + u);
        assertThat(ids("from=2026-03-01T12:00:30Z", recordId)).containsExactly("sr-3-" + u);
        assertThat(ids("to=2026-03-01T12:00:00.300Z", recordId)).containsExactly("sr-1-" + u);
        Reply page = api.get("/v1/records/" + recordId + "/step-results?limit=2&offset=1&sortOrder=asc", ORG_A);
        assertThat(page.data()).extracting(r -> r.get("id")).containsExactly("sr-2-" + u, "sr-3-" + u);
        assertThat(page.pagination()).isEqualTo(Map.of("limit", 2, "offset", 1, "returned", 2, "hasMore", false));
        assertThat(api.get("/v1/records/" + recordId + "/step-results?limit=1", ORG_A).pagination())
                .containsEntry("hasMore", true);

        api.get("/v1/records/" + recordId + "/step-results", ORG_B).assertProblem(404, "not_found");
        api.get("/v1/records/record_nope/step-results", ORG_A).assertProblem(404, "not_found");
        for (String bad : List.of("limit=0", "limit=abc", "offset=-1", "status=done", "sortBy=name", "sortOrder=up",
                "from=yesterday", "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")) {
            api.get("/v1/records/" + recordId + "/step-results?" + bad, ORG_A).assertProblem(400);
        }
    }

    private List<Object> ids(String query, String recordId) {
        Reply reply = api.get("/v1/records/" + recordId + "/step-results?" + query, ORG_A);
        reply.assertStatus(200);
        return reply.data().stream().map(r -> r.get("id")).toList();
    }

    private static StepResultV1 step(String id, String stepId, String name, String type, int order, String status,
                                     Instant started, String model, BigDecimal cost) {
        boolean prompt = model != null;
        return new StepResultV1(id, stepId, name, type, order, status, started, started.plusMillis(200), 200,
                "out of " + name, model, prompt ? 100L : null, prompt ? 20L : null, prompt ? 120L : null, cost,
                "failed".equals(status) ? "model unavailable" : null, 0);
    }

    private static RecordExecutionCompletedV1 execution(String executionId, String recordId, String flowId, String batchId,
                                                        Instant startedAt, StepResultV1... steps) {
        return new RecordExecutionCompletedV1(executionId, "org_a", "user_a", flowId, "Flow", flowId + "_v1", batchId,
                null, new RecordRefV1(recordId, "Stepped", "leads"), "completed", true, null, startedAt,
                startedAt.plusSeconds(1), 1000, 1, 1, 120, new BigDecimal("0.0045"), List.of(), List.of(steps));
    }

    private void send(RecordExecutionCompletedV1 execution) {
        byte[] data;
        try {
            data = json.writeValueAsBytes(execution);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka.produce(CloudEventCodec.toRecord(topics.of(FlowEvents.EXECUTIONS), execution.record().id(),
                CloudEventCodec.build("evt-" + UUID.randomUUID(), "urn:runloom:flows-service",
                        FlowEvents.RECORD_EXECUTION_COMPLETED.type(), execution.executionId(), execution.organizationId(),
                        null, OffsetDateTime.now(ZoneOffset.UTC), data)));
    }
}
