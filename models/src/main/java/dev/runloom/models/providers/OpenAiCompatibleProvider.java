package dev.runloom.models.providers;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;

import java.time.Duration;
import java.util.List;

/** Any server speaking OpenAI's chat/completions: OpenAI, Azure OpenAI (v1), OpenRouter, Ollama, vLLM, LM Studio … */
public class OpenAiCompatibleProvider extends LangChain4jProvider {
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    public OpenAiCompatibleProvider(ProviderSettings settings, List<ModelAlias> aliases, Duration defaultTimeout) {
        super(settings, aliases, defaultTimeout);
    }

    @Override
    protected boolean hasJsonMode() {
        return true;
    }

    @Override
    protected ChatModel buildChatModel(Duration timeout) {
        return OpenAiChatModel.builder()
                .httpClientBuilder(httpClient())
                .baseUrl(baseUrl())
                .apiKey(apiKey())
                .customHeaders(settings.headers())
                .timeout(timeout)
                .maxRetries(0)
                .build();
    }

    @Override
    protected StreamingChatModel buildStreamingModel(Duration timeout) {
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(httpClient())
                .baseUrl(baseUrl())
                .apiKey(apiKey())
                .customHeaders(settings.headers())
                .timeout(timeout)
                .build();
    }

    private String baseUrl() {
        return settings.baseUrl() != null ? settings.baseUrl() : DEFAULT_BASE_URL;
    }

    /** Null for local servers (Ollama, vLLM) and header-keyed ones (Azure's api-key): then no Authorization header is sent. */
    private String apiKey() {
        return settings.resolveApiKey();
    }
}
