package dev.runloom.models.providers;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

import java.time.Duration;
import java.util.List;

/** Anthropic's Messages API ({@code POST <base-url>/messages}, base URL ending in {@code /v1/}). */
public class AnthropicProvider extends LangChain4jProvider {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1/";
    /** Anthropic requires max_tokens; used when the request sets none. */
    private static final int DEFAULT_MAX_TOKENS = 4096;

    public AnthropicProvider(ProviderSettings settings, List<ModelAlias> aliases, Duration defaultTimeout) {
        super(settings, aliases, defaultTimeout);
    }

    @Override
    protected boolean hasJsonMode() {
        return false;
    }

    @Override
    protected ChatModel buildChatModel(Duration timeout) {
        return AnthropicChatModel.builder()
                .httpClientBuilder(httpClient())
                .baseUrl(baseUrl())
                .apiKey(apiKey())
                .customHeaders(settings.headers())
                .maxTokens(DEFAULT_MAX_TOKENS)
                .timeout(timeout)
                .maxRetries(0)
                .build();
    }

    @Override
    protected StreamingChatModel buildStreamingModel(Duration timeout) {
        return AnthropicStreamingChatModel.builder()
                .httpClientBuilder(httpClient())
                .baseUrl(baseUrl())
                .apiKey(apiKey())
                .customHeaders(settings.headers())
                .maxTokens(DEFAULT_MAX_TOKENS)
                .timeout(timeout)
                .build();
    }

    /** LangChain4j appends {@code messages} to the base URL, so it must end with a slash. */
    private String baseUrl() {
        String url = settings.baseUrl() != null ? settings.baseUrl() : DEFAULT_BASE_URL;
        return url.endsWith("/") ? url : url + "/";
    }

    private String apiKey() {
        String key = settings.resolveApiKey();
        return key != null ? key : "none";
    }
}
