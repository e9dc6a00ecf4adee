package dev.runloom.flows.flow;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** What an update (F4) changes; a null field keeps what the flow has. */
public record FlowEdit(@Nullable String name, @Nullable String description, @Nullable List<NewStep> steps) {
}
