package dev.runloom.models;

import java.util.function.Consumer;

/**
 * A family of models behind one API: the built-in {@code local} model, and one instance per
 * configured provider ({@code runloom.models.providers.<name>}: OpenAI-compatible or Anthropic).
 * One call is one attempt: retries, timeouts and fallbacks belong to {@link ModelCaller}.
 */
public interface ModelProvider {
    /** The provider's name ({@code local}, or the configured {@code runloom.models.providers.<name>}): what the governor limits. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Whether this provider serves the named model (an alias of its, {@code <provider>/<id>}, …). */
    boolean serves(String model);

    /** The provider's own id for a model name it serves; used to find a price when the name has none. */
    default String modelId(String model) {
        return model;
    }

    /**
     * One attempt.
     *
     * @throws RuntimeException the provider's failure, as LangChain4j or the transport raised it;
     *                          {@link ModelFailure#classify} tells whether it is worth retrying
     */
    ModelResponse complete(ModelRequest request);

    /**
     * One attempt, delivering the reply's text as it arrives; returns the whole response at the end.
     * Providers that cannot stream answer in one delta.
     */
    default ModelResponse stream(ModelRequest request, Consumer<String> deltas) {
        ModelResponse response = complete(request);
        if (!response.text().isEmpty()) {
            deltas.accept(response.text());
        }
        return response;
    }
}
