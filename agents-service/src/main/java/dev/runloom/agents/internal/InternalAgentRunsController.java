package dev.runloom.agents.internal;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code POST /internal/agents/{id}/runs}: flows-service's {@code execute-agent} step runs an agent
 * with one user message, synchronously, once per {@code idempotencyKey}. Not public: the gateway
 * does not route {@code /internal}.
 */
@Controller("/internal/agents")
public class InternalAgentRunsController {
    private static final int MAX_KEY_LENGTH = 300;
    private static final int MAX_MESSAGE_LENGTH = 200_000;

    private final InternalAgentRuns runs;

    public InternalAgentRunsController(InternalAgentRuns runs) {
        this.runs = runs;
    }

    @Post("/{id}/runs")
    public AgentRun run(Tenant tenant, @PathVariable String id, @Nullable @Body RunRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body is required");
        }
        if (body.idempotencyKey() == null || body.idempotencyKey().isBlank() || body.idempotencyKey().length() > MAX_KEY_LENGTH) {
            throw ProblemException.validation("idempotencyKey is required (at most " + MAX_KEY_LENGTH + " characters)");
        }
        if (body.message() == null || body.message().isBlank()) {
            throw ProblemException.validation("message is required and must be a non-empty string");
        }
        if (body.message().length() > MAX_MESSAGE_LENGTH) {
            throw ProblemException.validation("message is longer than " + MAX_MESSAGE_LENGTH + " characters");
        }
        return runs.run(tenant, id, body.idempotencyKey(), body.message());
    }

    @Serdeable
    public record RunRequest(@Nullable String idempotencyKey, @Nullable String message) {
    }
}
