package dev.runloom.models;

import dev.runloom.common.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one door to every model: picks the provider serving the model and prices the call. One call
 * here is one attempt; {@link ModelCaller} adds retries, timeouts and the fallback model.
 *
 * <p>The price is looked up under the name the request used (an alias, {@code provider/id}), then
 * under the provider's model id, and {@code local/<anything>} is priced as {@code local}.
 */
@Singleton
public class Models {
    private final List<ModelProvider> providers;
    private final PriceTable prices;

    public Models(List<ModelProvider> providers, PriceTable prices) {
        this.providers = providers;
        this.prices = prices;
    }

    public boolean serves(String model) {
        return find(model).isPresent();
    }

    /** The names of every provider, in the order they are asked. */
    public List<String> providerNames() {
        return providers.stream().map(ModelProvider::name).distinct().toList();
    }

    /** The name of the provider serving {@code model}, if any serves it. */
    public Optional<String> providerName(String model) {
        return find(model).map(ModelProvider::name);
    }

    public ModelCall complete(ModelRequest request) {
        ModelProvider provider = providerOf(request.model());
        long start = System.nanoTime();
        ModelResponse response = provider.complete(request);
        return priced(provider, request, response, start);
    }

    /** As {@link #complete}, delivering the reply's text to {@code deltas} as it arrives. */
    public ModelCall stream(ModelRequest request, Consumer<String> deltas) {
        ModelProvider provider = providerOf(request.model());
        long start = System.nanoTime();
        ModelResponse response = provider.stream(request, deltas);
        return priced(provider, request, response, start);
    }

    private ModelCall priced(ModelProvider provider, ModelRequest request, ModelResponse response, long startNanos) {
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        ModelPrice price = priceOf(provider, request.model());
        return new ModelCall(response, prices.cost(price, response.usage()), price, durationMs);
    }

    private ModelPrice priceOf(ModelProvider provider, String model) {
        if (model.startsWith(LocalModel.NAME + "/")) {
            return prices.priceOf(LocalModel.NAME);
        }
        if (prices.has(model)) {
            return prices.priceOf(model);
        }
        String id = provider.modelId(model);
        return prices.has(id) ? prices.priceOf(id) : prices.priceOf(model);
    }

    private ModelProvider providerOf(String model) {
        return find(model).orElseThrow(() -> ProblemException.badRequest("unknown_model",
                "No configured provider serves model '" + model + "'"));
    }

    private Optional<ModelProvider> find(String model) {
        return providers.stream().filter(p -> p.serves(model)).findFirst();
    }
}
