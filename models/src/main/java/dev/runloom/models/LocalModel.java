package dev.runloom.models;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The built-in deterministic model ({@code local}, or {@code local/<anything>}): the default when no
 * provider key is configured, so tests and the local stack run real flows without a network. The
 * same input always gives the same text and the same token counts (about four characters a token),
 * and it is priced from the same price table as real models. Asked for JSON, it answers a JSON object
 * ({@code {"reply": "<the same text>"}}), as a provider's JSON mode would.
 *
 * <p><b>Tool calling</b>, deterministic so agents' tool loops run without a key: when the request
 * offers tools and the last message is a user message, every {@code @<toolName>} in it that names an
 * offered tool becomes a tool call, in order of appearance; a JSON object written right after the name
 * is its arguments ({@code @retrieve-record{"recordType":"ticket","name":"T-1"}}), else {@code {}}.
 * Call ids are {@code local_call_<n>}, the finish reason {@code tool_calls}. When the last message is
 * anything else (a tool result, say), it answers text as above.
 */
@Singleton
public class LocalModel implements ModelProvider {
    public static final String NAME = "local";
    private static final Pattern TOOL_MENTION = Pattern.compile("@([A-Za-z0-9_-]{1,100})");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean serves(String model) {
        return NAME.equals(model) || model.startsWith(NAME + "/");
    }

    @Override
    public ModelResponse complete(ModelRequest request) {
        List<ToolCallRequest> toolCalls = requestedTools(request);
        if (!toolCalls.isEmpty()) {
            long prompt = tokens(request.messages().stream().map(m -> String.valueOf(m.content()))
                    .reduce((request.systemPrompt() == null ? "" : request.systemPrompt()), String::concat));
            long completion = toolCalls.stream().mapToLong(c -> tokens(c.name() + c.arguments())).sum();
            return new ModelResponse(request.model(), "", new TokenUsage(prompt, completion, 0), "tool_calls", toolCalls);
        }
        StringBuilder prompt = new StringBuilder();
        if (request.systemPrompt() != null) {
            prompt.append(request.systemPrompt()).append('\n');
        }
        request.messages().forEach(m -> prompt.append(m.role()).append(": ").append(m.content()).append('\n'));
        String last = request.messages().isEmpty() ? "" : request.messages().getLast().content();
        String lastUser = last == null ? "" : last;
        String excerpt = lastUser.length() > 200 ? lastUser.substring(0, 200) : lastUser;
        String text = "Local model reply " + fingerprint(prompt.toString()) + " to: " + excerpt;
        if (request.wantsJson()) {
            text = "{\"reply\":" + jsonString(text) + "}";
        }
        if (request.maxTokens() != null && tokens(text) > request.maxTokens()) {
            text = text.substring(0, Math.max(0, request.maxTokens() * 4));
            return new ModelResponse(request.model(), text, new TokenUsage(tokens(prompt.toString()), tokens(text), 0), "length");
        }
        return new ModelResponse(request.model(), text, new TokenUsage(tokens(prompt.toString()), tokens(text), 0), "stop");
    }

    private static List<ToolCallRequest> requestedTools(ModelRequest request) {
        if (request.tools().isEmpty() || request.messages().isEmpty()) {
            return List.of();
        }
        ChatMessage last = request.messages().getLast();
        if (!ChatMessage.USER.equals(last.role()) || last.content() == null) {
            return List.of();
        }
        Set<String> offered = new HashSet<>();
        request.tools().forEach(t -> offered.add(t.name()));
        String text = last.content();
        List<ToolCallRequest> calls = new ArrayList<>();
        Matcher mention = TOOL_MENTION.matcher(text);
        while (mention.find()) {
            String name = mention.group(1);
            if (!offered.contains(name)) {
                continue;
            }
            String arguments = "{}";
            if (mention.end() < text.length() && text.charAt(mention.end()) == '{') {
                int end = objectEnd(text, mention.end());
                if (end > 0) {
                    arguments = text.substring(mention.end(), end);
                }
            }
            calls.add(new ToolCallRequest("local_call_" + (calls.size() + 1), name, arguments));
        }
        return calls;
    }

    /** The index after the JSON object starting at {@code start} (brace counting outside strings), or -1. */
    private static int objectEnd(String text, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static long tokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
