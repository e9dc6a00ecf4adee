package dev.runloom.flows.steps;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a value out of JSON-shaped data by a path such as {@code data.items[0].name} (what an
 * {@code api-call}'s {@code responseMapping} and a {@code sourceVariable} name). A missing step on the
 * way gives null, never an error.
 */
public final class ValuePath {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
    private static final Pattern VALID = Pattern.compile("\\$?\\.?([^.\\[\\]]+|\\[\\d+])(\\.[^.\\[\\]]+|\\[\\d+])*");

    private ValuePath() {
    }

    public static boolean isValid(String path) {
        return VALID.matcher(path).matches();
    }

    public static @Nullable Object read(@Nullable Object root, String path) {
        String p = path.startsWith("$") ? path.substring(1) : path;
        List<Object> segments = new ArrayList<>();
        Matcher m = SEGMENT.matcher(p);
        while (m.find()) {
            segments.add(m.group(1) != null ? m.group(1) : (Object) Integer.parseInt(m.group(2)));
        }
        return read(root, segments.toArray());
    }

    static @Nullable Object read(@Nullable Object root, Object[] segments) {
        Object current = root;
        for (Object segment : segments) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(String.valueOf(segment));
            } else if (current instanceof List<?> list && segment instanceof Integer i) {
                current = i < list.size() ? list.get(i) : null;
            } else if (current instanceof List<?> list && segment instanceof String s && s.matches("\\d+")) {
                int i = Integer.parseInt(s);
                current = i < list.size() ? list.get(i) : null;
            } else {
                return null;
            }
        }
        return current;
    }
}
