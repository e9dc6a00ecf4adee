package dev.runloom.agents.loop;

import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelPrice;
import dev.runloom.models.ModelResponse;
import dev.runloom.models.TokenUsage;
import dev.runloom.models.ToolCallRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An {@link Iteration} as a paused execution keeps it in the database (see {@link LoopPause}). */
@Serdeable
public record StoredIteration(int number, String model, String text, long promptTokens, long completionTokens,
                              long cachedPromptTokens, @Nullable String finishReason, List<ToolCallRequest> requested,
                              BigDecimal cost, ModelPrice price, long durationMs, int retries, int toolCalls,
                              Instant startedAt, Instant completedAt) {

    static StoredIteration of(Iteration it) {
        ModelCall call = it.call();
        ModelResponse response = call.response();
        return new StoredIteration(it.number(), response.model(), response.text(), response.usage().promptTokens(),
                response.usage().completionTokens(), response.usage().cachedPromptTokens(), response.finishReason(),
                response.toolCalls(), call.cost(), call.price(), call.durationMs(), call.retries(), it.toolCalls(),
                it.startedAt(), it.completedAt());
    }

    Iteration toIteration() {
        ModelResponse response = new ModelResponse(model, text,
                new TokenUsage(promptTokens, completionTokens, cachedPromptTokens), finishReason, requested);
        return new Iteration(number, new ModelCall(response, cost, price, durationMs, retries), toolCalls, startedAt,
                completedAt);
    }
}
