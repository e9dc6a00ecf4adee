package dev.runloom.agents.approvals;

import dev.runloom.agents.loop.ExecuteRequest.Message;
import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/agents/:id/resume} (A18): the outputs of the client-side tool calls the
 * execution awaits, keyed by tool call id (ours, {@code toolcall_…}, or the model's), each any JSON
 * value; {@code messages} are added to the conversation after them.
 */
@Serdeable
public record ResumeRequest(@NotBlank @Size(max = 200) String executionId,
                            @NotNull @Size(max = 100) Map<String, Object> toolOutputs,
                            @Nullable @Size(max = 100) List<@NotNull @Valid Message> messages,
                            @Nullable Object streamResponse) {

    List<ChatMessage> chatMessages() {
        return messages == null ? List.of() : messages.stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
    }

    boolean streams() {
        return Streaming.streams(streamResponse);
    }
}
