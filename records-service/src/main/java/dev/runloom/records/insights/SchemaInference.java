package dev.runloom.records.insights;

import dev.runloom.records.filter.Dates;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Infers the fields of a record type from a sample of metadata objects (reference §2.2, record
 * schema discovery): one field per leaf path (nested objects flattened with dots), its dominant JSON
 * type ({@code string}, {@code integer}, {@code number}, {@code boolean}, {@code array},
 * {@code object} for an empty one; {@code null} when only nulls were seen), {@code format:
 * date-time} for date strings, whether every sampled record has it non-null, the share of sampled
 * records where it is missing or null, and up to three distinct example values.
 */
public final class SchemaInference {
    static final int EXAMPLES = 3;

    private SchemaInference() {
    }

    public static List<Field> infer(List<Map<String, Object>> sample) {
        Map<String, Stats> byPath = new TreeMap<>();
        for (Map<String, Object> metadata : sample) {
            Map<String, Object> flat = new LinkedHashMap<>();
            flatten("", metadata, flat);
            for (Map.Entry<String, Object> entry : flat.entrySet()) {
                byPath.computeIfAbsent(entry.getKey(), k -> new Stats()).add(entry.getValue());
            }
        }
        List<Field> fields = new ArrayList<>();
        int total = sample.size();
        for (Map.Entry<String, Stats> entry : byPath.entrySet()) {
            Stats stats = entry.getValue();
            String type = stats.dominantType();
            boolean dates = "string".equals(type) && stats.strings > 0 && stats.dateStrings == stats.strings;
            double nullRate = total == 0 ? 0 : (double) (total - stats.nonNull) / total;
            fields.add(new Field(entry.getKey(), type, dates ? "date-time" : null,
                    "Inferred from " + stats.present + " of " + total + " sampled records",
                    stats.nonNull == total, stats.examples.isEmpty() ? null : stats.examples.getFirst(),
                    Math.round(nullRate * 10_000) / 10_000.0, List.copyOf(stats.examples)));
        }
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> object, Map<String, Object> into) {
        for (Map.Entry<String, Object> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(path + ".", (Map<String, Object>) nested, into);
            } else {
                into.put(path, entry.getValue());
            }
        }
    }

    /**
     * One inferred field; {@code nullRate} and {@code examples} are Runloom additions to the
     * reference's {@code {name, type, format?, description, required, example}}.
     */
    @Serdeable
    public record Field(String name, String type, @Nullable String format, String description, boolean required,
                        @Nullable Object example, double nullRate, List<Object> examples) {
    }

    private static final class Stats {
        final Map<String, Integer> types = new LinkedHashMap<>();
        final List<Object> examples = new ArrayList<>();
        int present;
        int nonNull;
        int strings;
        int dateStrings;

        void add(@Nullable Object value) {
            present++;
            if (value == null) {
                return;
            }
            nonNull++;
            String type = switch (value) {
                case String s -> {
                    strings++;
                    if (Dates.parse(s) != null) {
                        dateStrings++;
                    }
                    yield "string";
                }
                case Integer i -> "integer";
                case Long l -> "integer";
                case java.math.BigInteger b -> "integer";
                case java.math.BigDecimal d -> d.stripTrailingZeros().scale() <= 0 ? "integer" : "number";
                case Number n -> "number";
                case Boolean b -> "boolean";
                case List<?> l -> "array";
                default -> "object";
            };
            types.merge(type, 1, Integer::sum);
            if (examples.size() < EXAMPLES && !examples.contains(value)) {
                examples.add(value);
            }
        }

        String dominantType() {
            if (types.isEmpty()) {
                return "null";
            }
            // integers among numbers make the field a number
            if (types.containsKey("integer") && types.containsKey("number")) {
                types.merge("number", types.remove("integer"), Integer::sum);
            }
            return types.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }
}
