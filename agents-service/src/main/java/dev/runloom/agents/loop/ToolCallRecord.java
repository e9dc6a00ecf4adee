package dev.runloom.agents.loop;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * One tool call made by an execution, as persisted (A11/A12): {@code id} is ours ({@code toolcall_…}),
 * {@code providerCallId} the id the model gave the call; {@code seq} orders the calls of the execution.
 */
@Serdeable
public record ToolCallRecord(String id, int seq, int iteration, String providerCallId, String toolName, String model,
                             ToolOutcome outcome, Instant createdAt) {
    public static final String STATUS_COMPLETED = "completed";
    public static final String STATUS_FAILED = "failed";

    public String status() {
        return outcome.success() ? STATUS_COMPLETED : STATUS_FAILED;
    }
}
