package dev.runloom.flows.costs;

import dev.runloom.flows.FlowFixtures;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.FlowTestAccess;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost ledger (fed by flows' own completion events over Kafka), budgets (402 on submit, a running
 * batch paused at its cap and resumed when the cap is raised) and {@code GET /v1/governor}, on a fake
 * records-service and a fake OpenAI-compatible provider. Ordered: the budget tests build on the spend
 * the ledger test made.
 */
@ServiceTest("flows")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BudgetsAndLedgerTest implements TestPropertyProvider {
    /** 100 prompt tokens at 2.5 USD/M + 20 completion tokens at 10 USD/M. */
    static final BigDecimal CALL_COST = new BigDecimal("0.00045");

    @Inject ApiClient<Tenant> api;
    final FlowTestAccess.Records records = FlowTestAccess.records();
    final FakeModelServer provider = new FakeModelServer();
    private String flowId;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.putAll(FlowFixtures.gpt4oOn(provider));
        properties.put("runloom.kafka.max-poll-records", "2");
        properties.put("runloom.governor.limits.openai.org-concurrency", "3");
        return properties;
    }

    @BeforeAll
    void setUp() {
        records.add("org_a", "lead", "lead", 3);
        records.add("org_a", "many", "many", 30);
        records.add("org_b", "lead", "b_lead", 2);
        provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0));
        flowId = FlowTestAccess.createFlow(api, "Budgeted", List.of(
                Map.of("type", "prompt", "name", "Qualify", "config",
                        Map.of("model", "gpt-4o", "userPrompt", "Qualify {{_record.name}}"))));
    }

    @AfterAll
    void stop() {
        records.close();
        provider.close();
    }

    private Reply put(String uri, Object body, Tenant tenant) {
        return api.send(HttpRequest.PUT(uri, body instanceof String s ? s : api.toJson(body))
                .contentType(MediaType.APPLICATION_JSON_TYPE), tenant);
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    @Test
    @Order(1)
    void theLedgerSumsTheBatchesModelCallsByDayModelAndSource() {
        String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead"), ORG_A)
                .assertStatus(202).string("batchExecutionId");
        FlowTestAccess.awaitFinishedBatch(api, batchId, Duration.ofSeconds(30));

        Reply ledger = Poll.until(() -> api.get("/v1/costs/ledger", ORG_A),
                r -> r.status() == 200 && ((Number) ((Map<?, ?>) r.body().get("totals")).get("calls")).longValue() == 3);
        assertThat(ledger.list("lines")).singleElement().satisfies(line -> {
            assertThat(line).containsEntry("day", today()).containsEntry("source", "flow").containsEntry("model", "gpt-4o")
                    .containsEntry("promptTokens", 300).containsEntry("completionTokens", 60)
                    .containsEntry("totalTokens", 360).containsEntry("calls", 3);
            assertThat(new BigDecimal(line.get("cost").toString())).isEqualByComparingTo(CALL_COST.multiply(BigDecimal.valueOf(3)));
        });
        // grouped by source only; filtered by model
        Reply bySource = api.get("/v1/costs/ledger?groupBy=source&model=gpt-4o&from=" + today() + "&to=" + today(), ORG_A)
                .assertStatus(200);
        assertThat(bySource.list("lines")).singleElement().satisfies(line ->
                assertThat(line).containsEntry("source", "flow").containsEntry("day", null).containsEntry("model", null));
        assertThat(api.get("/v1/costs/ledger?source=agent", ORG_A).list("lines")).isEmpty();
        // another organization sees none of it
        Reply other = api.get("/v1/costs/ledger", ORG_B).assertStatus(200);
        assertThat(other.list("lines")).isEmpty();
    }

    @Test
    @Order(2)
    void aSpentBudgetRefusesNewBatchesWith402() {
        Reply set = put("/v1/budgets", Map.of("dailyCapUsd", new BigDecimal("0.001")), ORG_A).assertStatus(200);
        assertThat(set.body()).containsEntry("exceeded", "daily");
        assertThat(new BigDecimal(set.body().get("spentTodayUsd").toString())).isEqualByComparingTo("0.00135");

        api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "lead"), ORG_A)
                .assertProblem(402, "budget_exceeded");
        api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "lead"), ORG_A)
                .assertProblem(402, "budget_exceeded");
        // ORG_B has no budget: not concerned
        assertThat(api.get("/v1/budgets", ORG_B).body()).containsEntry("dailyCapUsd", null).containsEntry("exceeded", null);
    }

    @Test
    @Order(3)
    void aRunningBatchPausesAtItsCapAndResumesWhenTheCapIsRaised() {
        // room for about 4 more calls (0.00135 spent): the batch of 30 stops part-way
        put("/v1/budgets", Map.of("dailyCapUsd", new BigDecimal("0.0033")), ORG_A).assertStatus(200);
        provider.answerByDefault(FakeModelServer.Reply.openAi("ok", 100, 20, 0).delayed(100));
        String batchId = api.post("/v1/batch/flow", Map.of("flowId", flowId, "recordType", "many"), ORG_A)
                .assertStatus(202).string("batchExecutionId");

        Reply paused = Poll.until(() -> api.get("/v1/batch/status/" + batchId, ORG_A),
                r -> "paused_budget".equals(r.body().get("status")), Duration.ofSeconds(60));
        Poll.pause(Duration.ofSeconds(2));
        Reply still = api.get("/v1/batch/status/" + batchId, ORG_A);
        assertThat(still.body()).containsEntry("status", "paused_budget");
        int processed = ((Number) still.body().get("processedRecords")).intValue();
        assertThat(processed).isLessThan(30);
        Poll.pause(Duration.ofSeconds(1));
        assertThat(api.get("/v1/batch/status/" + batchId, ORG_A).body()).containsEntry("processedRecords", processed);
        assertThat(paused.body()).containsEntry("totalRecords", 30);

        // resuming while the budget is still spent: 402; another organization: 404
        api.post("/v1/batch/" + batchId + "/resume", Map.of(), ORG_A).assertProblem(402, "budget_exceeded");
        api.post("/v1/batch/" + batchId + "/resume", Map.of(), ORG_B).assertProblem(404, "not_found");

        // raising the cap resumes it: every record runs exactly once
        put("/v1/budgets", Map.of("dailyCapUsd", new BigDecimal("100"), "monthlyCapUsd", new BigDecimal("1000")), ORG_A)
                .assertStatus(200);
        Map<String, Object> done = FlowTestAccess.awaitFinishedBatch(api, batchId, Duration.ofSeconds(60));
        assertThat(done).containsEntry("status", "completed").containsEntry("processedRecords", 30)
                .containsEntry("failedRecords", 0);
        // a finished batch cannot be resumed
        api.post("/v1/batch/" + batchId + "/resume", Map.of(), ORG_A).assertProblem(409, "batch_not_paused");
    }

    @Test
    @Order(4)
    void badInputIsA400NamingTheParameter() {
        api.get("/v1/costs/ledger?groupBy=day,bogus", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/costs/ledger?from=yesterday", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/costs/ledger?from=2024-02-30", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/costs/ledger?from=2020-01-01&to=2024-01-01", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/costs/ledger?from=2024-01-02&to=2024-01-01", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/costs/ledger?source=elsewhere", ORG_A).assertProblem(400, "invalid_parameter");
        assertThat(put("/v1/budgets", Map.of("dailyCapUsd", -1), ORG_A).status()).isEqualTo(400);
        assertThat(put("/v1/budgets", Map.of("dailyCapUsd", new BigDecimal("0.0000001")), ORG_A).status()).isEqualTo(400);
        assertThat(put("/v1/budgets", Map.of("dailyCapUsd", "lots"), ORG_A).status()).isEqualTo(400);
        assertThat(put("/v1/budgets", "{\"dailyCapUsd\":", ORG_A).status()).isEqualTo(400);
        assertThat(put("/v1/budgets", "", ORG_A).status()).isEqualTo(400);
        api.post("/v1/batch/batch_unknown/resume", Map.of(), ORG_A).assertProblem(404, "not_found");
        // nothing without the internal token
        assertThat(api.get("/v1/costs/ledger", null).status()).isEqualTo(401);
        assertThat(api.get("/v1/governor", null).status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void theGovernorShowsTheOrganizationsProvidersAndLimits() {
        Reply governor = api.get("/v1/governor", ORG_A).assertStatus(200);
        assertThat(governor.body()).containsEntry("enabled", true);
        assertThat((List<?>) governor.body().get("ungovernedProviders")).asList().contains("local");
        assertThat(governor.list("providers")).anySatisfy(p -> {
            assertThat(p).containsEntry("provider", "openai").containsEntry("interactiveInFlight", 0)
                    .containsEntry("batchInFlight", 0).containsEntry("pausedUntil", null);
            @SuppressWarnings("unchecked")
            Map<String, Object> limits = (Map<String, Object>) p.get("limits");
            assertThat(limits).containsEntry("orgConcurrency", 3).containsEntry("interactiveReserve", 2);
        });
        assertThat(governor.list("providers")).filteredOn(p -> "openai".equals(p.get("provider")))
                .singleElement().satisfies(p -> assertThat(((Number) p.get("tokensThisMinute")).longValue()).isGreaterThanOrEqualTo(0));
    }
}
