package dev.runloom.agents.tools;

import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * flows-service's internal inline run of a flow ({@code POST /internal/flows/{id}/run}), for flow
 * tools. Client {@code flow-runs}: flows-service's URL with a read timeout long enough for a flow's
 * model calls.
 */
@Client(id = "flow-runs")
public interface FlowRunsApi {

    @Post("/internal/flows/{id}/run")
    FlowRun run(@PathVariable String id, @Body RunRequest body, @Header(InternalTokens.HEADER) String token);

    /** The variables the flow starts with, and the agent tool call it runs for (stored with its step results). */
    @Serdeable
    record RunRequest(Map<String, Object> variables, String agentExecutionId, String toolCallId, String agentId) {
    }

    /** How the flow's run ended: its execution id, status, result (its last result's value), tokens and cost. */
    @Serdeable
    record FlowRun(String executionId, String flowId, String flowVersionId, String status, boolean success,
                   @Nullable String error, @Nullable Object result, long totalTokens, String totalCost,
                   long durationMs) {
    }
}
