package dev.runloom.models.providers;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * A model name steps and agents may use, {@code runloom.models.aliases.<alias>: {provider, model}}:
 * {@code gpt-4o → openai + gpt-4o}. {@code name} overrides the key for names a configuration key
 * cannot hold (a dot: {@code gpt-4.1}).
 */
@EachProperty("runloom.models.aliases")
public class ModelAlias {
    private final String key;
    private @Nullable String name;
    private @Nullable String provider;
    private @Nullable String model;

    public ModelAlias(@Parameter String key) {
        this.key = key;
    }

    public String name() {
        return name != null && !name.isBlank() ? name.trim() : key;
    }

    public String provider() {
        if (provider == null || provider.isBlank()) {
            throw new IllegalStateException("runloom.models.aliases." + key + ".provider is required");
        }
        return provider.trim();
    }

    /** The provider's model id; defaults to the alias name. */
    public String model() {
        return model != null && !model.isBlank() ? model.trim() : name();
    }

    public void setName(@Nullable String name) {
        this.name = name;
    }

    public void setProvider(@Nullable String provider) {
        this.provider = provider;
    }

    public void setModel(@Nullable String model) {
        this.model = model;
    }
}
