package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flows created through the API, batches followed through it, and a direct look at the service's
 * own tables where no API shows what a test must check (e.g. the {@code flow_executions} rows).
 */
public final class FlowFixtures {
    private FlowFixtures() {
    }

    /** Creates a flow of {@code ORG_A} and returns its id. */
    static String createFlow(ApiClient<Tenant> api, String name, List<Map<String, Object>> steps) {
        Reply created = api.post("/v1/flows", Map.of("name", name, "flowSteps", steps), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return (String) created.body().get("id");
    }

    static Map<String, Object> templateStep(String name, String template) {
        return Map.of("type", "template", "name", name, "config", Map.of("template", template));
    }

    /**
     * The batch's status once it finished ({@code completedAt} set), asked every 100 ms. Answers
     * other than 200 count as "not yet": a test may have made the database briefly unavailable.
     */
    static Map<String, Object> awaitFinishedBatch(ApiClient<Tenant> api, String batchId, Duration timeout) {
        return Poll.until(() -> {
            Reply reply = api.get("/v1/batch/status/" + batchId, ORG_A);
            return reply.status() == 200 ? reply.body() : Map.<String, Object>of("unavailable", reply.raw());
        }, status -> status.get("completedAt") != null, timeout);
    }

    /** Rows of a query on the service's database, as column name → value. */
    static List<Map<String, Object>> query(ServiceTestEnvironment env, String sql, Object... params) {
        TestInfrastructure infra = TestInfrastructure.get();
        try (Connection connection = DriverManager.getConnection(env.jdbcUrl(), infra.dbUser(), infra.dbPassword());
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet resultSet = statement.executeQuery()) {
                int columns = resultSet.getMetaData().getColumnCount();
                while (resultSet.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(resultSet.getMetaData().getColumnLabel(c), resultSet.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql, e);
        }
    }

    /**
     * Properties that send model {@code gpt-4o} to a fake OpenAI-compatible server, priced as the real one
     * ($2.5 / $10 per million input / output tokens).
     */
    public static Map<String, String> gpt4oOn(dev.runloom.testsupport.FakeModelServer provider) {
        return Map.of("runloom.models.providers.openai.base-url", provider.baseUrl(),
                "runloom.models.providers.openai.api-key", "sk-test",
                "runloom.models.aliases.gpt-4o.provider", "openai",
                "runloom.models.aliases.gpt-4o.model", "gpt-4o-2024-08-06",
                "runloom.models.prices.gpt-4o.input-per-million", "2.5",
                "runloom.models.prices.gpt-4o.output-per-million", "10");
    }
}
