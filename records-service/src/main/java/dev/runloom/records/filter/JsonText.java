package dev.runloom.records.filter;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/**
 * Text PostgreSQL's {@code jsonb} refuses although JSON parsers accept it: an unpaired UTF-16
 * surrogate ({@code "\ud800"}) is "invalid input syntax for type json" there, and NUL is refused
 * too. Checked before such text reaches a statement, so it is a 400 naming where, not a 500.
 */
public final class JsonText {
    private JsonText() {
    }

    /** Whether {@code text} has an unpaired surrogate or a NUL. */
    public static boolean isUnstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
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
