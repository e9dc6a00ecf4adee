package dev.runloom.agents.loop;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import jakarta.validation.Valid;

/**
 * {@code POST /v1/agents/:id/execute}. The reference streams Server-Sent Events when
 * {@code options.streamResponse} is true (its default); this first version always answers one JSON
 * object (200) with the terminal result — the SSE stream of {@code ExecutionStreamEvent}s comes later.
 * A failed run is still 200, with {@code status: "failed"} and an {@code error}; it is recorded and listed.
 */
@Controller("/v1/agents")
public class ExecuteController {
    private final AgentExecutor executor;

    public ExecuteController(AgentExecutor executor) {
        this.executor = executor;
    }

    @Post("/{id}/execute")
    ExecuteResponse execute(Tenant tenant, String id, @Valid @Body ExecuteRequest body) {
        return ExecuteResponse.of(executor.execute(tenant, id, body.chatMessages(), body.surfaceType()));
    }
}
