package dev.runloom.flows.steps.peers;

import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.serde.annotation.Serdeable;

/** agents-service's internal run of an agent, once per idempotency key, for the {@code execute-agent} step. */
@Client(id = "agent-runs")
public interface AgentRunsApi {

    @Post("/internal/agents/{id}/runs")
    AgentRun run(@PathVariable String id, @Body RunRequest body, @Header(InternalTokens.HEADER) String token);

    @Serdeable
    record RunRequest(String idempotencyKey, String message) {
    }

    @Serdeable
    record AgentRun(String executionId, String agentId, String status, @Nullable String finalOutput, long totalTokens,
                    String totalCost, @Nullable String error, boolean replayed) {
    }
}
