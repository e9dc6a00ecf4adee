package dev.runloom.flows.stepresults;

import dev.runloom.common.jdbc.JsonColumns;
import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the heavy JSON fields of a step result are stored: as they are up to {@value #MAX_CHARS}
 * characters of JSON, else replaced by a marker saying they were too large
 * ({@code {"_truncated": true, "size": <characters>}}). Why a cap: the variables a step starts with
 * hold every earlier output, so without one a long flow would write the same large text once per step.
 */
final class StepResultDetails {
    static final int MAX_CHARS = 64 * 1024;
    /** A {@code \\u0000} escape that is not itself an escaped backslash followed by "u0000". */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private StepResultDetails() {
    }

    static @Nullable JsonColumns.Json capped(JsonColumns json, @Nullable Map<String, Object> value) {
        if (value == null) {
            return null;
        }
        String text = withoutNul(json.text(value));
        if (text.length() <= MAX_CHARS) {
            return new JsonColumns.Json(text);
        }
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("_truncated", true);
        marker.put("size", text.length());
        return json.param(marker);
    }

    /**
     * PostgreSQL's jsonb refuses the NUL escape (SQLSTATE 22P05), and one step output holding a NUL
     * (an HTTP body, say) must not make a whole poll of results unwritable: NUL becomes U+FFFD.
     */
    static String withoutNul(String jsonText) {
        return jsonText.contains("\\u0000") ? NUL_ESCAPE.matcher(jsonText).replaceAll("$1\\\\ufffd") : jsonText;
    }
}
