package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flow's {@code prompt} step on a real provider client: an alias configured to an OpenAI-compatible
 * fake server on loopback gives step results with the provider's tokens, the cost at the configured
 * price (stored with it), the model, the retries, and clear errors for failures.
 */
@ServiceTest("flows")
class PromptProvidersTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    final FakeRecordsService records = new FakeRecordsService();
    final FakeModelServer provider = new FakeModelServer();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.put("runloom.models.providers.openai.base-url", provider.baseUrl());
        properties.put("runloom.models.providers.openai.api-key", "sk-flows-test");
        properties.put("runloom.models.aliases.gpt-4o.provider", "openai");
        properties.put("runloom.models.aliases.gpt-4o.model", "gpt-4o-2024-08-06");
        properties.put("runloom.models.aliases.mini.provider", "openai");
        properties.put("runloom.models.aliases.mini.model", "gpt-4o-mini");
        properties.put("runloom.models.prices.gpt-4o.input-per-million", "2.5");
        properties.put("runloom.models.prices.gpt-4o.output-per-million", "10");
        properties.put("runloom.models.prices.gpt-4o.cached-input-per-million", "1.25");
        properties.put("runloom.models.retry.base-backoff", "10ms");
        return properties;
    }

    @BeforeAll
    void setUp() {
        records.add("org_a", "ticket", "ticket", 1);
    }

    @BeforeEach
    void resetProvider() {
        provider.reset();
    }

    @AfterAll
    void stop() {
        records.close();
        provider.close();
    }

    private Map<String, Object> runAndGetPromptResult(String flowId) {
        Reply run = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "ticket"), ORG_A);
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        List<Map<String, Object>> rows = api.get("/v1/flows/" + flowId + "/step-results?stepId=", ORG_A).list("data");
        return rows.stream().filter(r -> "prompt".equals(r.get("stepType"))).findFirst().orElseThrow();
    }

    private static Map<String, Object> prompt(Map<String, Object> config) {
        return Map.of("type", "prompt", "name", "Triage", "config", config);
    }

    @Test
    void anAliasedModelOnAProviderGivesTokensCostAndModel() throws IOException {
        provider.enqueue(FakeModelServer.Reply.openAi("Priority: high", 1000, 200, 100));
        String flowId = createFlow(api, "Triage", List.of(prompt(Map.of("model", "gpt-4o",
                "systemPrompt", "You triage {{_record.type}}s.", "userPrompt", "Triage {{_record.name}}"))));

        Map<String, Object> result = runAndGetPromptResult(flowId);

        assertThat(result).containsEntry("status", "completed").containsEntry("modelUsed", "gpt-4o")
                .containsEntry("promptTokens", 1000).containsEntry("completionTokens", 200).containsEntry("totalTokens", 1200)
                .containsEntry("retryCount", 0).containsEntry("outputPreview", "Priority: high")
                .containsEntry("errorMessage", null);
        // 900 × 2.5/M + 100 cached × 1.25/M + 200 × 10/M
        assertThat(new BigDecimal((String) result.get("estimatedCost"))).isEqualByComparingTo("0.004375");

        Map<String, Object> stored = FlowFixtures.query(env, "SELECT input_price_per_million, output_price_per_million, "
                + "cached_input_price_per_million, cached_prompt_tokens FROM step_results WHERE id = ?", result.get("id")).getFirst();
        assertThat((BigDecimal) stored.get("input_price_per_million")).isEqualByComparingTo("2.5");
        assertThat((BigDecimal) stored.get("output_price_per_million")).isEqualByComparingTo("10");
        assertThat((BigDecimal) stored.get("cached_input_price_per_million")).isEqualByComparingTo("1.25");
        assertThat(stored.get("cached_prompt_tokens")).isEqualTo(100L);

        FakeModelServer.Recorded sent = provider.requests().getFirst();
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-flows-test");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = json.readValue(sent.body(), Map.class);
        assertThat(body).containsEntry("model", "gpt-4o-2024-08-06");
        assertThat(body.get("messages").toString()).contains("You triage tickets.").contains("Triage Company ticket 1");
    }

    @Test
    void aServerErrorThenSuccessIsOneRetry() {
        provider.enqueue(FakeModelServer.Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"),
                FakeModelServer.Reply.openAi("ok", 10, 2, 0));
        String flowId = createFlow(api, "Triage", List.of(prompt(Map.of("model", "gpt-4o", "userPrompt", "Hi",
                "errorHandling", Map.of("retryCount", 2)))));

        Map<String, Object> result = runAndGetPromptResult(flowId);

        assertThat(result).containsEntry("status", "completed").containsEntry("retryCount", 1)
                .containsEntry("promptTokens", 10);
        assertThat(provider.requests()).hasSize(2);
    }

    @Test
    void exhaustedRetriesFallBackToTheFallbackModel() {
        provider.enqueue(FakeModelServer.Reply.json(503, "{}"), FakeModelServer.Reply.json(503, "{}"),
                FakeModelServer.Reply.openAi("from the fallback", 4, 2, 0));
        String flowId = createFlow(api, "Triage", List.of(prompt(Map.of("model", "gpt-4o", "userPrompt", "Hi",
                "errorHandling", Map.of("retries", 1, "fallbackModel", "mini")))));

        Map<String, Object> result = runAndGetPromptResult(flowId);

        assertThat(result).containsEntry("status", "completed").containsEntry("modelUsed", "mini")
                .containsEntry("retryCount", 2).containsEntry("outputPreview", "from the fallback");
    }

    @Test
    void aReplyThatIsNotTheJsonAskedForFailsTheStepClearly() throws IOException {
        provider.enqueue(FakeModelServer.Reply.openAi("I think it is urgent.", 30, 6, 0));
        String flowId = createFlow(api, "Triage", List.of(prompt(Map.of("model", "gpt-4o", "userPrompt", "Hi",
                "responseFormat", "json"))));

        Map<String, Object> result = runAndGetPromptResult(flowId);

        assertThat(result).containsEntry("status", "failed").containsEntry("modelUsed", "gpt-4o")
                .containsEntry("promptTokens", 30).containsEntry("completionTokens", 6);
        assertThat((String) result.get("errorMessage")).contains("JSON was asked for").contains("I think it is urgent.");
        assertThat(new BigDecimal((String) result.get("estimatedCost"))).isPositive();
        @SuppressWarnings("unchecked")
        Map<String, Object> body = json.readValue(provider.requests().getFirst().body(), Map.class);
        assertThat(body).containsEntry("response_format", Map.of("type", "json_object"));
    }

    @Test
    void jsonRepliesBecomeStructuredOutputForLaterSteps() {
        provider.enqueue(FakeModelServer.Reply.openAi("{\"priority\":\"high\",\"team\":\"billing\"}", 30, 9, 0));
        String flowId = createFlow(api, "Triage", List.of(
                prompt(Map.of("model", "gpt-4o", "userPrompt", "Hi", "responseFormat", "json", "outputVariable", "triage")),
                Map.of("type", "template", "name", "Route", "config", Map.of("template", "{{triage.team}}/{{triage.priority}}"))));

        runAndGetPromptResult(flowId);
        List<Map<String, Object>> rows = api.get("/v1/flows/" + flowId + "/step-results", ORG_A).list("data");
        assertThat(rows).filteredOn(r -> "template".equals(r.get("stepType"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("outputPreview", "billing/high"));
    }

    @Test
    void aSlowProviderFailsTheStepAtItsTimeout() {
        provider.enqueue(FakeModelServer.Reply.openAi("late", 1, 1, 0).delayed(3000));
        String flowId = createFlow(api, "Triage", List.of(prompt(Map.of("model", "gpt-4o", "userPrompt", "Hi",
                "timeoutMs", 300))));

        Map<String, Object> result = runAndGetPromptResult(flowId);

        assertThat(result).containsEntry("status", "failed").containsEntry("retryCount", 0);
        assertThat((String) result.get("errorMessage")).contains("did not answer in time");
        assertThat(((Number) result.get("durationMs")).longValue()).isLessThan(2500);
    }

    @Test
    void badFailureHandlingConfigIsA400NamingTheField() {
        for (Map<String, Object> config : List.<Map<String, Object>>of(
                Map.of("userPrompt", "Hi", "errorHandling", Map.of("retryCount", 99)),
                Map.of("userPrompt", "Hi", "errorHandling", Map.of("retryCount", 1.5)),
                Map.of("userPrompt", "Hi", "errorHandling", Map.of("retries", -1)),
                Map.of("userPrompt", "Hi", "errorHandling", "retry"),
                Map.of("userPrompt", "Hi", "errorHandling", Map.of("fallbackModel", "")),
                Map.of("userPrompt", "Hi", "timeoutMs", "fast"),
                Map.of("userPrompt", "Hi", "timeoutMs", 0))) {
            Reply reply = api.post("/v1/flows", Map.of("name", "Bad", "flowSteps", List.of(prompt(config))), ORG_A);
            assertThat(reply.status()).as(config + " → " + reply.raw()).isEqualTo(400);
            assertThat(reply.raw()).contains("Triage").containsAnyOf("config.errorHandling", "config.timeoutMs");
        }
    }
}
