package dev.runloom.agents.scheduleruns;

import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the conversation a schedule sends its agent: {@code inputs.messages}, a list of
 * {@code {role, content}} held to the rules {@code POST /v1/agents/:id/execute} applies to its body.
 * Other keys of {@code inputs} are for flow targets and are ignored.
 */
final class ScheduleInputMessages {
    /** The roles and the bound of {@code ExecuteRequest}. */
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_MESSAGES = 500;

    private ScheduleInputMessages() {
    }

    /** @throws IllegalArgumentException with a reason a schedule's owner can act on, when they are unusable */
    static List<ChatMessage> read(@Nullable Map<String, Object> inputs) {
        Object messages = inputs == null ? null : inputs.get("messages");
        if (!(messages instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(
                    "The schedule's inputs have no messages: an agent target needs inputs.messages, a non-empty list of {role, content}");
        }
        if (list.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException("The schedule's inputs.messages has " + list.size()
                    + " messages; at most " + MAX_MESSAGES + " are allowed");
        }
        List<ChatMessage> read = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> message)
                    || !(message.get("role") instanceof String role) || !ROLES.contains(role)
                    || !(message.get("content") instanceof String content)) {
                throw new IllegalArgumentException("The schedule's inputs.messages[" + i
                        + "] is not a {role, content} message with role system, user or assistant");
            }
            read.add(new ChatMessage(role, content));
        }
        return read;
    }
}
