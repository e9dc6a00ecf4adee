package dev.runloom.models;

import jakarta.inject.Singleton;

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
 */
@Singleton
public class LocalModel implements ModelProvider {
    public static final String NAME = "local";

    @Override
    public boolean serves(String model) {
        return NAME.equals(model) || model.startsWith(NAME + "/");
    }

    @Override
    public ModelResponse complete(ModelRequest request) {
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
