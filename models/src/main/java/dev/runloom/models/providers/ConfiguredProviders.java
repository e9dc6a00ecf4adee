package dev.runloom.models.providers;

import dev.runloom.models.ModelProvider;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;

import java.time.Duration;
import java.util.List;

/** One {@link ModelProvider} bean per {@code runloom.models.providers.<name>}, of the configured kind. */
@Factory
public class ConfiguredProviders {

    @EachBean(ProviderSettings.class)
    public ModelProvider provider(ProviderSettings settings, List<ModelAlias> aliases,
                                  @Value("${runloom.models.default-timeout:60s}") Duration defaultTimeout) {
        return switch (settings.kind()) {
            case ProviderSettings.ANTHROPIC -> new AnthropicProvider(settings, aliases, defaultTimeout);
            default -> new OpenAiCompatibleProvider(settings, aliases, defaultTimeout);
        };
    }
}
