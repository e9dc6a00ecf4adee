package dev.runloom.agents.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/** A11/A12 answers (reference §2.13): the list leaves out the heavy {@code inputParameters}/{@code outputResult}. */
public final class ToolCallResponses {
    private ToolCallResponses() {
    }

    @Serdeable
    public record Summary(String id, String toolId, String toolName, @Nullable String toolDescription, String model,
                          String status, @Nullable String errorMessage, long executionTimeMs, Instant createdAt) {
        static Summary of(ToolCallView v) {
            return new Summary(v.id(), v.toolId(), v.toolName(), v.toolDescription(), v.model(), v.status(),
                    v.errorMessage(), v.executionTimeMs(), v.createdAt());
        }
    }

    @Serdeable
    public record Detail(String id, String toolId, String toolName, @Nullable String toolDescription, String model,
                         String status, @Nullable String errorMessage, long executionTimeMs, Instant createdAt,
                         @Nullable Object inputParameters, @Nullable Object outputResult) {
    }

    @Serdeable
    public record Page(List<Summary> data) {
    }
}
