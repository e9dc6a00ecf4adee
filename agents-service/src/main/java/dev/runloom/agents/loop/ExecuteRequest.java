package dev.runloom.agents.loop;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of {@code POST /v1/agents/:id/execute} ("Quick Agent" mode). */
@Serdeable
public record ExecuteRequest(@NotEmpty @Size(max = 500) List<@NotNull @Valid Message> messages,
                             @Nullable @Valid Options options) {

    @Serdeable
    public record Message(@NotNull @Pattern(regexp = "system|user|assistant", message = "must be system, user or assistant")
                          String role,
                          @NotNull String content) {
    }

    /**
     * @param streamResponse Server-Sent Events when true or absent, one JSON object when false
     * @param surfaceType    the surface that caused the run; {@code api} when absent
     */
    @Serdeable
    public record Options(@Nullable Object streamResponse, @Nullable String surfaceType) {
    }

    List<ChatMessage> chatMessages() {
        return messages.stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
    }

    /** Whether the answer is a stream: {@code streamResponse} defaults to true (reference A16). */
    boolean streams() {
        if (options == null || options.streamResponse() == null) {
            return true;
        }
        // read as any JSON value so that "yes" or 1 is refused rather than silently coerced
        if (!(options.streamResponse() instanceof Boolean stream)) {
            throw ProblemException.validation("options.streamResponse must be a boolean");
        }
        return stream;
    }

    @Nullable
    String surfaceType() {
        return options == null || options.surfaceType() == null || options.surfaceType().isBlank()
                ? null : options.surfaceType().trim();
    }
}
