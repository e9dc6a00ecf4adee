package dev.runloom.flows.flow;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/** A step as a client defines it; everything is checked by {@link FlowDefinitions}. */
public record NewStep(@Nullable String id, @Nullable String type, @Nullable String name, @Nullable Integer order,
                      @Nullable Boolean enabled, @Nullable Map<String, Object> config, @Nullable String when) {

    /** Without {@code when}. */
    public NewStep(@Nullable String id, @Nullable String type, @Nullable String name, @Nullable Integer order,
                   @Nullable Boolean enabled, @Nullable Map<String, Object> config) {
        this(id, type, name, order, enabled, config, null);
    }
}
