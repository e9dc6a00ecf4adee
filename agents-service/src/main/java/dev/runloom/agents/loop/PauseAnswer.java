package dev.runloom.agents.loop;

import dev.runloom.models.ChatMessage;

import java.util.List;
import java.util.Map;

/** What ends a pause: a person's decision on an approval (A17), or client-side tool outputs (A18). */
public sealed interface PauseAnswer {

    /** {@code approved} runs the tool; otherwise the call is denied. */
    record Decision(boolean approved, String decidedBy) implements PauseAnswer {
    }

    /**
     * @param outputs  the outputs of the awaited calls, by our tool call id (any JSON value each)
     * @param messages messages to add to the conversation after the tool results
     */
    record ToolOutputs(Map<String, Object> outputs, List<ChatMessage> messages) implements PauseAnswer {
    }
}
