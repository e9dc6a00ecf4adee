package dev.runloom.records.filter;

import dev.runloom.common.input.TextRules;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/**
 * Text PostgreSQL's {@code jsonb} refuses although JSON parsers accept it: an unpaired UTF-16
 * surrogate ({@code "\ud800"}) is "invalid input syntax for type json" there, and NUL is refused
 * too. Checked before such text reaches a statement, so it is a 400 naming where, not a 500.
 */
public final class StorableJson {
    private StorableJson() {
    }

    /** Whether {@code text} has an unpaired surrogate or a NUL (common's {@link TextRules}). */
    public static boolean isUnstorable(String text) {
        return TextRules.problemWith(text) != null;
    }

    /** The path (e.g. {@code metadata.a[2]}) of the first key or string in a JSON value that cannot be stored, or null. */
    public static @Nullable String firstUnstorable(@Nullable Object value, String path) {
        switch (value) {
            case String text -> {
                return isUnstorable(text) ? path : null;
            }
            case Map<?, ?> map -> {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    if (isUnstorable(key)) {
                        return path + "." + key.replace("\u0000", "\\u0000");
                    }
                    String found = firstUnstorable(entry.getValue(), path + "." + key);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    String found = firstUnstorable(list.get(i), path + "[" + i + "]");
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            case null, default -> {
                return null;
            }
        }
    }
}
