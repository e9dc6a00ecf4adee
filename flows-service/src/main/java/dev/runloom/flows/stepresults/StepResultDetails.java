package dev.runloom.flows.stepresults;

import dev.runloom.common.jdbc.JsonColumns;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the heavy JSON fields of a step result are stored: as they are up to {@value #MAX_BYTES} bytes
 * of JSON, else replaced by {@value #TRUNCATED}. Why a cap: the variables a step starts with hold
 * every earlier output, so without one a long flow after a large HTTP answer would write (and
 * serialise) the same large text once per step; the writer stops as soon as the cap is passed, so a
 * huge value costs no more than the cap. A value that cannot be written as JSON becomes
 * {@value #UNWRITABLE}: a step result's details must never make a poll's results unwritable.
 */
final class StepResultDetails {
    static final int MAX_BYTES = 64 * 1024;
    static final String TRUNCATED = "{\"_truncated\":true,\"maxBytes\":" + MAX_BYTES + "}";
    static final String UNWRITABLE = "{\"_unwritable\":true}";
    /** A JSON NUL escape that is not the tail of an escaped backslash followed by the text "u0000". */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private StepResultDetails() {
    }

    static @Nullable JsonColumns.Json capped(JsonMapper json, @Nullable Map<String, Object> value) {
        if (value == null) {
            return null;
        }
        CappedBuffer out = new CappedBuffer();
        try {
            json.writeValue(out, value);
        } catch (IOException | RuntimeException e) {
            return new JsonColumns.Json(out.overflowed ? TRUNCATED : UNWRITABLE);
        }
        return new JsonColumns.Json(out.overflowed ? TRUNCATED : withoutNul(out.toString(StandardCharsets.UTF_8)));
    }

    /**
     * PostgreSQL's jsonb refuses the NUL escape (SQLSTATE 22P05), and one step output holding a NUL
     * (an HTTP body, say) must not make a whole poll of results unwritable: NUL becomes U+FFFD.
     */
    static String withoutNul(String jsonText) {
        return jsonText.contains("\\u0000") ? NUL_ESCAPE.matcher(jsonText).replaceAll("$1\\\\ufffd") : jsonText;
    }

    /** Refuses to grow past {@link #MAX_BYTES}: the writer fails at once instead of serialising the rest. */
    private static final class CappedBuffer extends ByteArrayOutputStream {
        boolean overflowed;

        @Override
        public synchronized void write(int b) {
            ensureRoom(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            ensureRoom(len);
            super.write(b, off, len);
        }

        private void ensureRoom(int more) {
            if (count + more > MAX_BYTES) {
                overflowed = true;
                throw new IllegalStateException("step result detail larger than " + MAX_BYTES + " bytes");
            }
        }
    }
}
