package dev.runloom.agents;

import dev.runloom.agents.sweeper.ExecutionSweeper;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;
import io.micronaut.json.tree.JsonNode;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.testsupport.FakeModelServer;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper fails running executions without a recent heartbeat, and leaves live ones alone; a
 * worker that was only slow, not dead, finds its execution swept and must not overwrite that end.
 */
@ServiceTest("agents")
class ExecutionSweeperTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject ExecutionSweeper sweeper;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    @Inject JsonMapper json;
    final FakeModelServer openAi = new FakeModelServer();

    @Override
    public Map<String, String> getProperties() {
        return Map.of("runloom.models.providers.openai.base-url", openAi.baseUrl(),
                "runloom.models.providers.openai.api-key", "sk-agents-test");
    }

    @AfterAll
    void stop() {
        openAi.close();
    }

    @Test
    void aLateResultDoesNotOverwriteASweptExecution() throws Exception {
        openAi.enqueue(FakeModelServer.Reply.openAiStream(List.of("too ", "late"), 10, 2).delayed(2000));
        String agentId = api.post("/v1/agents", "{\"name\": \"Slow\", \"config\": {\"model\": \"openai/gpt-4o-mini\"}}",
                ORG_A).string("id");
        SseReader sse = new SseReader(server.getURL().toString(), tokens, json);
        HttpResponse<Stream<String>> response = sse.post("/v1/agents/" + agentId + "/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"slow?\"}]}", ORG_A);
        Iterator<String> lines = response.body().iterator();
        String executionId = sse.next(lines).data().get("executionId").getStringValue();
        // while the model thinks, its heartbeat looks dead (as after a long GC pause or a network split)
        runningSince(executionId, Instant.now().minus(10, ChronoUnit.MINUTES));
        assertThat(sweeper.sweep()).isEqualTo(1);

        List<SseReader.Frame> rest = new ArrayList<>();
        for (SseReader.Frame f = sse.next(lines); f != null; f = sse.next(lines)) {
            rest.add(f);
        }
        // the worker finished, saw it had lost, and said so
        SseReader.Frame last = rest.getLast();
        assertThat(last.type()).isEqualTo("execution_error");
        assertThat(last.data().get("status").getStringValue()).isEqualTo("failed");
        assertThat(last.data().get("error").get("code").getStringValue()).isEqualTo("execution_lost");
        assertThat(last.data().get("error").get("message").getStringValue()).contains("no heartbeat");
        JsonNode detail = api.get("/v1/agents/" + agentId + "/executions/" + executionId, ORG_A).tree();
        assertThat(detail.get("status").getStringValue()).isEqualTo("failed");
        assertThat(detail.get("errorMessage").getStringValue()).contains("no heartbeat");
        assertThat(detail.get("finalOutput").isNull()).isTrue();
        assertThat(detail.get("iterationDetails").size()).isZero();
        assertThat(sweeper.sweep()).isZero();
    }

    private String execution(String agentId) {
        return api.post("/v1/agents/" + agentId + "/execute",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"options\": {\"streamResponse\": false}}",
                ORG_A).string("executionId");
    }

    /** Puts an execution back to {@code running}, as if its worker died, with the given heartbeat. */
    private void runningSince(String executionId, Instant heartbeat) throws SQLException {
        TestInfrastructure infra = TestInfrastructure.get();
        try (Connection c = DriverManager.getConnection(env.jdbcUrl(), infra.dbUser(), infra.dbPassword());
             PreparedStatement update = c.prepareStatement("""
                     UPDATE agent_executions SET status = 'running', stop_reason = NULL, completed_at = NULL,
                            heartbeat_at = ?, started_at = ? WHERE id = ?""")) {
            update.setTimestamp(1, heartbeat == null ? null : Timestamp.from(heartbeat));
            update.setTimestamp(2, Timestamp.from(Instant.now().minus(1, ChronoUnit.HOURS)));
            update.setString(3, executionId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void failsExecutionsWhoseWorkerDied() throws Exception {
        String agentId = api.post("/v1/agents", "{\"name\": \"Sweepable\"}", ORG_A).string("id");
        String dead = execution(agentId);
        String neverBeat = execution(agentId);
        String alive = execution(agentId);
        runningSince(dead, Instant.now().minus(10, ChronoUnit.MINUTES));
        runningSince(neverBeat, null);
        runningSince(alive, Instant.now());

        assertThat(sweeper.sweep()).isGreaterThanOrEqualTo(2);

        for (String id : new String[]{dead, neverBeat}) {
            JsonNode detail = api.get("/v1/agents/" + agentId + "/executions/" + id, ORG_A).tree();
            assertThat(detail.get("status").getStringValue()).isEqualTo("failed");
            assertThat(detail.get("stopReason").getStringValue()).isEqualTo("error");
            assertThat(detail.get("errorMessage").getStringValue()).contains("no heartbeat");
            assertThat(detail.get("completedAt").isNull()).isFalse();
        }
        assertThat(api.get("/v1/agents/" + agentId + "/executions/" + alive, ORG_A).tree().get("status")
                .getStringValue()).isEqualTo("running");
        assertThat(sweeper.sweep()).isZero(); // nothing is failed twice
    }
}
