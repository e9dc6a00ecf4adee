package dev.runloom.agents.approvals;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/agents/:id/approve} (A17). */
@Serdeable
public record ApproveRequest(@NotBlank @Size(max = 200) String executionId,
                             @NotBlank @Size(max = 200) String approvalId,
                             @NotNull @Pattern(regexp = "approved|denied", message = "must be approved or denied")
                             String decision,
                             @Nullable Object streamResponse) {

    boolean approved() {
        return "approved".equals(decision);
    }

    boolean streams() {
        return Streaming.streams(streamResponse);
    }
}
