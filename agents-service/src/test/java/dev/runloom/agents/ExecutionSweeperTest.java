package dev.runloom.agents;

import dev.runloom.agents.sweeper.ExecutionSweeper;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import dev.runloom.testsupport.TestInfrastructure;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/** The sweeper fails running executions without a recent heartbeat, and leaves live ones alone. */
@ServiceTest("agents")
class ExecutionSweeperTest {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject ExecutionSweeper sweeper;

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
