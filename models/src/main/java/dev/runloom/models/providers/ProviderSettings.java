package dev.runloom.models.providers;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One configured model provider, {@code runloom.models.providers.<name>}:
 * <pre>
 * kind: openai | anthropic     # wire format: OpenAI chat/completions (any compatible server) or Anthropic /v1/messages
 * base-url: https://…/v1       # default: the vendor's public endpoint
 * api-key: ${OPENAI_API_KEY}   # or api-key-file: a mounted secret; never logged, never answered by any API
 * headers: {…}                 # extra request headers (Azure's api-key, OpenRouter's HTTP-Referer …)
 * connect-timeout: 10s
 * </pre>
 * From the environment: {@code RUNLOOM_MODELS_PROVIDERS_OPENAI_API_KEY}, {@code …_OPENAI_KIND},
 * {@code …_OPENAI_BASE_URL} (a provider configured only through environment variables needs a
 * one-word name: Micronaut reads {@code MY_OLLAMA} as {@code my.ollama}).
 */
@EachProperty("runloom.models.providers")
public class ProviderSettings {
    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";
    private static final Set<String> KINDS = Set.of(OPENAI, ANTHROPIC);

    private final String name;
    private @Nullable String kind;
    private @Nullable String baseUrl;
    private @Nullable String apiKey;
    private @Nullable String apiKeyFile;
    private Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);

    public ProviderSettings(@Parameter String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The wire format; a provider named {@code anthropic} defaults to Anthropic's, any other to OpenAI's. */
    public String kind() {
        String k = kind != null && !kind.isBlank() ? kind.trim().toLowerCase(java.util.Locale.ROOT)
                : ANTHROPIC.equals(name) ? ANTHROPIC : OPENAI;
        if (!KINDS.contains(k)) {
            throw new IllegalStateException("runloom.models.providers." + name + ".kind must be openai or anthropic, not '" + k + "'");
        }
        return k;
    }

    public @Nullable String baseUrl() {
        return baseUrl == null || baseUrl.isBlank() ? null : baseUrl.trim();
    }

    /** The key, read from {@code api-key} or the file {@code api-key-file} names; null when neither is set. */
    public @Nullable String resolveApiKey() {
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.trim();
        }
        if (apiKeyFile != null && !apiKeyFile.isBlank()) {
            try {
                return Files.readString(Path.of(apiKeyFile.trim()), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the api-key-file of model provider " + name, e);
            }
        }
        return null;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public void setKind(@Nullable String kind) {
        this.kind = kind;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public void setApiKey(@Nullable String apiKey) {
        this.apiKey = apiKey;
    }

    public void setApiKeyFile(@Nullable String apiKeyFile) {
        this.apiKeyFile = apiKeyFile;
    }

    public void setHeaders(@Nullable Map<String, String> headers) {
        this.headers = headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(headers);
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** Keys and header values masked: settings end up in logs and error messages. */
    @Override
    public String toString() {
        return "ProviderSettings{name=" + name + ", kind=" + kind + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "unset" : "****")
                + ", apiKeyFile=" + (apiKeyFile == null ? "unset" : apiKeyFile)
                + ", headers=" + headers.keySet() + "(values masked)}";
    }
}
