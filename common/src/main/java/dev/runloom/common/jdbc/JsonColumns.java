package dev.runloom.common.jdbc;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON in JSONB columns for hand-written SQL ({@link Sql}); entities map theirs declaratively with
 * {@code @TypeDef(type = DataType.JSON)}. Write with {@link #param} against a {@code ?::jsonb}
 * placeholder; read a {@code column::text} with {@link #read}.
 */
@Singleton
public class JsonColumns {
    private final JsonMapper json;

    public JsonColumns(JsonMapper json) {
        this.json = json;
    }

    /** A JSON parameter for {@link Sql}; null stays SQL NULL. */
    public @Nullable Json param(@Nullable Object value) {
        return value == null ? null : new Json(text(value));
    }

    public String text(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("value cannot be written as JSON: " + value.getClass().getName(), e);
        }
    }

    public <T> @Nullable T read(@Nullable String text, Argument<T> type) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text.getBytes(StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON is not a " + type.getTypeName(), e);
        }
    }

    /** JSON text bound as a string; the SQL casts it ({@code ?::jsonb}). */
    public record Json(String text) {
    }
}
