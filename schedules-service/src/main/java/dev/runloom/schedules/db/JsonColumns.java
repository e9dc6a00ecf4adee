package dev.runloom.schedules.db;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON objects stored in JSONB columns ({@code inputs}, {@code execution_options}). */
@Singleton
public class JsonColumns {
    private static final Argument<Map<String, Object>> OBJECT = Argument.mapOf(String.class, Object.class);

    private final JsonMapper json;

    public JsonColumns(JsonMapper json) {
        this.json = json;
    }

    public String write(@Nullable Map<String, Object> value) {
        try {
            return new String(json.writeValueAsBytes(value == null ? Map.of() : value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise a JSON column", e);
        }
    }

    public Map<String, Object> read(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a JSON column", e);
        }
    }
}
