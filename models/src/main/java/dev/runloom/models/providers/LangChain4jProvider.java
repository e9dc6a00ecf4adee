package dev.runloom.models.providers;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.ModelProvider;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.ModelResponse;
import dev.runloom.models.TokenUsage;
import dev.runloom.models.ToolCallRequest;
import dev.runloom.models.ToolSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A configured provider reached through LangChain4j's client for its wire format (OpenAI
 * chat/completions or Anthropic /v1/messages). It serves {@code <name>/<model-id>} and the aliases
 * that name it. LangChain4j's own retries are off ({@code maxRetries(0)}): one call here is one HTTP
 * request, and {@link dev.runloom.models.ModelCaller} decides about the next.
 *
 * <p>Clients are built per attempt timeout (a step may set its own) and kept: a handful per provider.
 */
public abstract class LangChain4jProvider implements ModelProvider {
    protected final ProviderSettings settings;
    private final Map<String, String> aliasToModelId;
    private final Duration defaultTimeout;
    /** Steps choose their own timeouts; past this many distinct ones the caches start over. */
    private static final int MAX_CACHED_TIMEOUTS = 32;
    private final Map<Duration, ChatModel> chatModels = new ConcurrentHashMap<>();
    private final Map<Duration, StreamingChatModel> streamingModels = new ConcurrentHashMap<>();
    private final java.net.http.HttpClient jdkClient;

    protected LangChain4jProvider(ProviderSettings settings, List<ModelAlias> aliases, Duration defaultTimeout) {
        this.settings = settings;
        Map<String, String> mine = new ConcurrentHashMap<>();
        for (ModelAlias alias : aliases) {
            if (alias.provider().equals(settings.name())) {
                mine.put(alias.name(), alias.model());
            }
        }
        this.aliasToModelId = Map.copyOf(mine);
        this.defaultTimeout = defaultTimeout;
        this.jdkClient = HeaderKeepingHttpClient.newJdkClient(settings.connectTimeout());
    }

    public String name() {
        return settings.name();
    }

    @Override
    public boolean serves(String model) {
        return aliasToModelId.containsKey(model)
                || (model.startsWith(settings.name() + "/") && model.length() > settings.name().length() + 1);
    }

    @Override
    public String modelId(String model) {
        String aliased = aliasToModelId.get(model);
        return aliased != null ? aliased : model.substring(settings.name().length() + 1);
    }

    protected abstract ChatModel buildChatModel(Duration timeout);

    protected abstract StreamingChatModel buildStreamingModel(Duration timeout);

    /** Whether the wire format has a schemaless JSON mode (OpenAI's json_object; Anthropic has none). */
    protected abstract boolean hasJsonMode();

    @Override
    public ModelResponse complete(ModelRequest request) {
        ChatModel model = cached(chatModels, timeoutOf(request), this::buildChatModel);
        return toResponse(request, model.chat(toChatRequest(request)));
    }

    @Override
    public ModelResponse stream(ModelRequest request, Consumer<String> deltas) {
        StreamingChatModel model = cached(streamingModels, timeoutOf(request), this::buildStreamingModel);
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(toChatRequest(request), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                deltas.accept(partialResponse);
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                done.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            // the transport ends every stream by its deadline (HeaderKeepingHttpClient), so this returns
            return toResponse(request, done.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while streaming from the model provider", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private static <M> M cached(Map<Duration, M> cache, Duration timeout, java.util.function.Function<Duration, M> build) {
        if (cache.size() >= MAX_CACHED_TIMEOUTS && !cache.containsKey(timeout)) {
            cache.clear();
        }
        return cache.computeIfAbsent(timeout, build);
    }

    private Duration timeoutOf(ModelRequest request) {
        return request.timeout() != null ? request.timeout() : defaultTimeout;
    }

    protected HeaderKeepingHttpClient.Builder httpClient() {
        return HeaderKeepingHttpClient.builder().sharing(jdkClient);
    }

    private ChatRequest toChatRequest(ModelRequest request) {
        List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>();
        String system = request.systemPrompt();
        if (request.wantsJson() && !hasJsonMode()) {
            // no JSON mode on this wire format: ask in words, and the caller validates the reply
            system = (system == null || system.isBlank() ? "" : system + "\n\n")
                    + "Answer with one valid JSON value only, without any text around it.";
        }
        if (system != null && !system.isBlank()) {
            messages.add(SystemMessage.from(system));
        }
        for (ChatMessage m : request.messages()) {
            messages.add(toLangChain(m));
        }
        ChatRequest.Builder builder = ChatRequest.builder()
                .messages(messages)
                .modelName(modelId(request.model()))
                .temperature(request.temperature())
                .maxOutputTokens(request.maxTokens());
        if (!request.tools().isEmpty()) {
            builder.toolSpecifications(request.tools().stream().map(LangChain4jProvider::toToolSpecification).toList());
        }
        if (request.wantsJson() && hasJsonMode()) {
            builder.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON);
        }
        return builder.build();
    }

    private static dev.langchain4j.data.message.ChatMessage toLangChain(ChatMessage m) {
        String text = m.content() == null ? "" : m.content();
        return switch (m.role()) {
            case ChatMessage.SYSTEM -> SystemMessage.from(text);
            case ChatMessage.ASSISTANT -> m.toolCallsOrEmpty().isEmpty() ? AiMessage.from(text)
                    : AiMessage.from(text.isEmpty() ? null : text, m.toolCallsOrEmpty().stream()
                    .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build())
                    .toList());
            case ChatMessage.TOOL -> ToolExecutionResultMessage.from(m.toolCallId(), m.toolName(), text);
            default -> UserMessage.from(text);
        };
    }

    private static ToolSpecification toToolSpecification(ToolSpec spec) {
        ToolSpecification.Builder builder = ToolSpecification.builder().name(spec.name()).description(spec.description());
        if (spec.parameters() != null && !spec.parameters().isEmpty()) {
            JsonSchemaElement schema = JsonSchemaElementJsonUtils.fromMap(spec.parameters());
            if (!(schema instanceof JsonObjectSchema object)) {
                throw new IllegalArgumentException("the parameters of tool " + spec.name() + " must be a JSON Schema object");
            }
            builder.parameters(object);
        }
        return builder.build();
    }

    private ModelResponse toResponse(ModelRequest request, ChatResponse response) {
        AiMessage message = response.aiMessage();
        if (message == null) {
            throw new MalformedAnswerException("the provider's answer has no message");
        }
        List<ToolCallRequest> toolCalls = message.hasToolExecutionRequests()
                ? message.toolExecutionRequests().stream()
                .map(r -> new ToolCallRequest(r.id(), r.name(), r.arguments() == null ? "{}" : r.arguments())).toList()
                : List.of();
        String text = message.text() == null ? "" : message.text();
        return new ModelResponse(request.model(), text, usageOf(response.tokenUsage()),
                finishReason(response.finishReason()), toolCalls);
    }

    /** Prompt tokens include cached ones (Anthropic reports cache reads and writes apart from input_tokens). */
    static TokenUsage usageOf(dev.langchain4j.model.output.TokenUsage usage) {
        if (usage == null) {
            return new TokenUsage(0, 0, 0);
        }
        long input = usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long output = usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        long cached = 0;
        if (usage instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null
                && openAi.inputTokensDetails().cachedTokens() != null) {
            cached = openAi.inputTokensDetails().cachedTokens();
        }
        if (usage instanceof AnthropicTokenUsage anthropic) {
            long read = anthropic.cacheReadInputTokens() == null ? 0 : anthropic.cacheReadInputTokens();
            long written = anthropic.cacheCreationInputTokens() == null ? 0 : anthropic.cacheCreationInputTokens();
            input += read + written;
            cached = read;
        }
        return new TokenUsage(input, output, cached);
    }

    private static String finishReason(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_EXECUTION -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case OTHER -> "other";
        };
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + settings + "}";
    }
}
