package dev.runloom.flows.steps;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value from a step's config whose strings are Liquid templates ({@code set-variable}'s
 * {@code value}, a request body, {@code update-record}'s {@code updates}): parsed once, rendered per
 * execution into the same shape with every string rendered. A string that is exactly one
 * {@code {{ variable }}} keeps the variable's value as it is (an object stays an object).
 */
public final class TemplatedValue {
    private static final java.util.regex.Pattern SINGLE_VARIABLE =
            java.util.regex.Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)\\s*}}");

    private final Liquid liquid;
    private final @Nullable Object shape;

    private TemplatedValue(Liquid liquid, @Nullable Object shape) {
        this.liquid = liquid;
        this.shape = shape;
    }

    /** @throws TemplateException when a string does not parse as Liquid */
    public static TemplatedValue parse(Liquid liquid, @Nullable Object value) {
        return new TemplatedValue(liquid, compile(liquid, value));
    }

    public @Nullable Object render(Map<String, Object> context) {
        return render(shape, context);
    }

    private static @Nullable Object compile(Liquid liquid, @Nullable Object value) {
        if (value instanceof String s) {
            java.util.regex.Matcher single = SINGLE_VARIABLE.matcher(s.strip());
            if (single.matches()) {
                return new VariableRef(single.group(1).split("\\."));
            }
            return s.contains("{{") || s.contains("{%") ? liquid.parse(s) : s;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> compiled = new LinkedHashMap<>();
            map.forEach((k, v) -> compiled.put(String.valueOf(k), compile(liquid, v)));
            return compiled;
        }
        if (value instanceof List<?> list) {
            List<Object> compiled = new ArrayList<>();
            list.forEach(v -> compiled.add(compile(liquid, v)));
            return compiled;
        }
        return value;
    }

    private @Nullable Object render(@Nullable Object compiled, Map<String, Object> context) {
        if (compiled instanceof Liquid.ParsedTemplate template) {
            return liquid.render(template, context);
        }
        if (compiled instanceof VariableRef ref) {
            return ValuePath.read(context, ref.path());
        }
        if (compiled instanceof Map<?, ?> map) {
            Map<String, Object> rendered = new LinkedHashMap<>();
            map.forEach((k, v) -> rendered.put(String.valueOf(k), render(v, context)));
            return rendered;
        }
        if (compiled instanceof List<?> list) {
            List<Object> rendered = new ArrayList<>();
            list.forEach(v -> rendered.add(render(v, context)));
            return rendered;
        }
        return compiled;
    }

    private record VariableRef(String[] path) {
    }
}
