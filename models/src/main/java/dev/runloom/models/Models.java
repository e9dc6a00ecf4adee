package dev.runloom.models;

import dev.runloom.common.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.List;

/** The one door to every model: picks the provider serving the model and prices the call. */
@Singleton
public class Models {
    private final List<ModelProvider> providers;
    private final PriceTable prices;

    public Models(List<ModelProvider> providers, PriceTable prices) {
        this.providers = providers;
        this.prices = prices;
    }

    public ModelCall complete(ModelRequest request) {
        ModelProvider provider = providers.stream().filter(p -> p.serves(request.model())).findFirst()
                .orElseThrow(() -> ProblemException.badRequest("unknown_model",
                        "No configured provider serves model '" + request.model() + "'"));
        long start = System.nanoTime();
        ModelResponse response = provider.complete(request);
        long durationMs = (System.nanoTime() - start) / 1_000_000;
        ModelPrice price = prices.priceOf(request.model().startsWith(LocalModel.NAME + "/") ? LocalModel.NAME : request.model());
        return new ModelCall(response, prices.cost(price, response.usage()), price, durationMs);
    }
}
