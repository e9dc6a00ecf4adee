package dev.runloom.agents.a2a;

import dev.runloom.models.ChatMessage;
import dev.runloom.outbound.GuardedHttpClient;
import dev.runloom.outbound.OutboundHttpException;
import dev.runloom.outbound.OutboundRefusedException;
import dev.runloom.outbound.OutboundRequest;
import dev.runloom.outbound.OutboundResponse;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Calls a remote A2A agent with JSON-RPC 2.0 {@code message/send} (A2A 0.3) through the SSRF guard:
 * the conversation's last user message is the message's text part (earlier messages travel as
 * {@code metadata.history}), {@code configuration.blocking} asks for the finished answer. The result
 * is a {@code Message} (its text parts are the answer) or a {@code Task}: {@code completed} (its
 * artifacts' text parts, else its status message) and {@code input-required} (the agent's question)
 * answer; {@code failed}, {@code rejected}, {@code canceled}, {@code auth-required} and a task still
 * {@code submitted}/{@code working} (asynchronous tasks are not followed) are failures, as are JSON-RPC
 * errors, non-2xx answers, non-JSON and refused or unreachable endpoints ({@link A2aException}).
 */
@Singleton
public class A2aClient {
    private final GuardedHttpClient http;
    private final JsonMapper json;

    public A2aClient(GuardedHttpClient http, JsonMapper json) {
        this.http = http;
        this.json = json;
    }

    /** What the remote agent answered: its text and, for a task, the task's id and state. */
    public record A2aReply(String text, @Nullable String taskId, @Nullable String contextId, String state) {
    }

    /** A call that produced no usable answer; {@code code} is the execution error's code. */
    public static class A2aException extends RuntimeException {
        private final String code;

        public A2aException(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public A2aReply send(URI endpoint, List<ChatMessage> messages, @Nullable String bearerToken, Duration timeout) {
        String requestId = UUID.randomUUID().toString();
        byte[] body = requestBody(requestId, messages);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        if (bearerToken != null) {
            headers.put("Authorization", "Bearer " + bearerToken);
        }
        OutboundResponse response;
        try {
            response = http.send(new OutboundRequest("POST", endpoint, headers, body), timeout);
        } catch (OutboundRefusedException e) {
            throw new A2aException("external_agent_refused", "The external agent's endpoint is not allowed: " + e.getMessage());
        } catch (OutboundHttpException e) {
            throw new A2aException("external_agent_unreachable", "The external agent could not be reached: " + e.getMessage());
        }
        if (!response.successful()) {
            throw new A2aException("external_agent_error", "The external agent answered HTTP " + response.status());
        }
        Map<String, Object> envelope;
        try {
            Object parsed = json.readValue(response.body(), Argument.OBJECT_ARGUMENT);
            if (!(parsed instanceof Map<?, ?>)) {
                throw new IOException("not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) parsed;
            envelope = object;
        } catch (IOException | RuntimeException e) {
            throw new A2aException("external_agent_invalid_response",
                    "The external agent's answer is not a JSON-RPC response object");
        }
        if (envelope.get("error") instanceof Map<?, ?> error) {
            throw new A2aException("external_agent_error", "The external agent answered JSON-RPC error "
                    + error.get("code") + ": " + clip(String.valueOf(error.get("message"))));
        }
        if (!(envelope.get("result") instanceof Map<?, ?> result)) {
            throw new A2aException("external_agent_invalid_response",
                    "The external agent's JSON-RPC response has neither a result object nor an error");
        }
        return reply(result);
    }

    private byte[] requestBody(String requestId, List<ChatMessage> messages) {
        int last = -1;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (ChatMessage.USER.equals(messages.get(i).role())) {
                last = i;
                break;
            }
        }
        if (last < 0) {
            last = messages.size() - 1;
        }
        ChatMessage asked = messages.get(last);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("kind", "message");
        message.put("messageId", UUID.randomUUID().toString());
        message.put("role", "user");
        message.put("parts", List.of(Map.of("kind", "text", "text", asked.content() == null ? "" : asked.content())));
        List<Map<String, String>> history = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (i != last) {
                ChatMessage m = messages.get(i);
                history.add(Map.of("role", m.role(), "content", m.content() == null ? "" : m.content()));
            }
        }
        if (!history.isEmpty()) {
            message.put("metadata", Map.of("history", history));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("message", message);
        params.put("configuration", Map.of("blocking", true, "acceptedOutputModes", List.of("text/plain", "application/json")));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", requestId);
        request.put("method", "message/send");
        request.put("params", params);
        try {
            return json.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new A2aException("internal_error", "The request to the external agent could not be written");
        }
    }

    private A2aReply reply(Map<?, ?> result) {
        boolean task = "task".equals(result.get("kind")) || result.get("status") instanceof Map<?, ?>;
        if (!task) {
            return new A2aReply(text(result.get("parts")), null, string(result.get("contextId")), "completed");
        }
        Map<?, ?> status = result.get("status") instanceof Map<?, ?> s ? s : Map.of();
        String state = status.get("state") instanceof String s ? s : "unknown";
        String statusText = status.get("message") instanceof Map<?, ?> m ? text(m.get("parts")) : "";
        StringBuilder artifacts = new StringBuilder();
        if (result.get("artifacts") instanceof List<?> list) {
            for (Object artifact : list) {
                if (artifact instanceof Map<?, ?> a) {
                    String text = text(a.get("parts"));
                    if (!text.isEmpty()) {
                        artifacts.append(artifacts.isEmpty() ? "" : "\n").append(text);
                    }
                }
            }
        }
        String taskId = string(result.get("id"));
        String contextId = string(result.get("contextId"));
        return switch (state) {
            case "completed" -> new A2aReply(artifacts.isEmpty() ? statusText : artifacts.toString(), taskId, contextId, state);
            case "input-required" -> new A2aReply(statusText.isEmpty() ? artifacts.toString() : statusText, taskId, contextId, state);
            case "failed", "rejected", "canceled", "auth-required" -> throw new A2aException("external_agent_failed",
                    "The external agent's task ended " + state + (statusText.isEmpty() ? "" : ": " + clip(statusText)));
            default -> throw new A2aException("external_agent_incomplete", "The external agent's task is still " + state
                    + " (asynchronous A2A tasks are not followed)");
        };
    }

    /** The text of a list of parts: text parts as they are, data parts as JSON, file parts by name. */
    private String text(@Nullable Object parts) {
        if (!(parts instanceof List<?> list)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> part)) {
                continue;
            }
            String piece = null;
            if (part.get("text") instanceof String t) {
                piece = t;
            } else if (part.containsKey("data")) {
                try {
                    piece = new String(json.writeValueAsBytes(part.get("data")), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    piece = null;
                }
            } else if (part.get("file") instanceof Map<?, ?> file) {
                piece = "[file " + (file.get("name") != null ? file.get("name") : file.get("uri")) + "]";
            }
            if (piece != null) {
                text.append(text.isEmpty() ? "" : "\n").append(piece);
            }
        }
        return text.toString();
    }

    private static @Nullable String string(@Nullable Object value) {
        return value instanceof String s ? s : null;
    }

    private static String clip(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }
}
