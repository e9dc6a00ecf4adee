package dev.runloom.schedules.references;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /internal/schedules?flowId=}: what flows-service asks before deleting a flow. Schedules
 * are inserted directly: creating them through the API would ask flows-service whether the flow exists.
 */
@ServiceTest("schedules")
class FlowReferencesTest {
    @Inject ApiClient<Tenant> api;
    @Inject ScheduleRowsForTest rows;

    @Test
    void answersTheCallersSchedulesThatTargetTheFlow() {
        rows.insert("sched_a1", "org_a", "Nightly", "flow_shared", Instant.parse("2024-01-01T00:00:00Z"), true);
        rows.insert("sched_a2", "org_a", "Paused", "flow_shared", Instant.parse("2024-01-02T00:00:00Z"), false);
        rows.insert("sched_a3", "org_a", "Other", "flow_other", Instant.parse("2024-01-03T00:00:00Z"), true);
        rows.insert("sched_b1", "org_b", "Theirs", "flow_shared", Instant.parse("2024-01-04T00:00:00Z"), true);

        Reply reply = api.get("/internal/schedules?flowId=flow_shared", ORG_A).assertStatus(200);
        assertThat(reply.data()).isEqualTo(List.of(Map.of("id", "sched_a1", "name", "Nightly"),
                Map.of("id", "sched_a2", "name", "Paused")));
        assertThat(api.get("/internal/schedules?flowId=flow_shared&limit=1", ORG_A).data()).hasSize(1);
        assertThat(api.get("/internal/schedules?flowId=flow_unused", ORG_A).data()).isEmpty();
        assertThat(api.get("/internal/schedules?flowId=flow_shared", ORG_B).data()).extracting(s -> s.get("id"))
                .containsExactly("sched_b1");

        api.get("/internal/schedules", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/internal/schedules?flowId=x&limit=101", ORG_A).assertProblem(400, "invalid_parameter");
        api.send(HttpRequest.GET("/internal/schedules?flowId=flow_shared")).assertProblem(401, "unauthorized");
    }
}
