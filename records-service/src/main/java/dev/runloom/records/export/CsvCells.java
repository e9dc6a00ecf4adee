package dev.runloom.records.export;

import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How record values become CSV cells: nested metadata flattened by dotted path, text guarded against formula injection. */
final class CsvCells {
    private CsvCells() {
    }

    /**
     * A text cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
     * gets a leading apostrophe (OWASP "CSV injection"); numbers and booleans are written as they are.
     */
    static String text(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return value == null ? "" : value;
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    /** The metadata's leaf values by dotted path (an empty object is a leaf). */
    static Map<String, Object> flatten(Map<String, Object> metadata) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", metadata, flat);
        return flat;
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

    /** A leaf value as a cell: strings guarded, lists and objects as JSON text, null as empty. */
    static String value(@Nullable Object value, java.util.function.Function<Object, String> json) {
        return switch (value) {
            case null -> "";
            case String s -> text(s);
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            case List<?> l -> text(json.apply(l));
            case Map<?, ?> m -> text(json.apply(m));
            default -> text(value.toString());
        };
    }
}
