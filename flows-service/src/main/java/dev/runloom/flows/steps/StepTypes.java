package dev.runloom.flows.steps;

import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The step types this service can run, by their {@code type} name. */
@Singleton
public class StepTypes {
    private final Map<String, StepType> byName;

    public StepTypes(List<StepType> types) {
        this.byName = types.stream().collect(Collectors.toMap(StepType::name, Function.identity()));
    }

    public Optional<StepType> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public StepType get(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException("no step type " + name));
    }

    /** Sorted, for error messages. */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }
}
