package dev.runloom.records.csvimport;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the upload's parameters (query parameters or form fields, all text): {@code type},
 * {@code nameColumn}, {@code delimiter}, {@code mapping} and {@code types} (JSON objects). Every
 * bad one is named in one 400.
 */
@Singleton
class ImportOptionsParser {
    static final int MAX_TYPE_LENGTH = 255;
    static final int MAX_KEY_LENGTH = 255;

    private final JsonMapper json;

    ImportOptionsParser(JsonMapper json) {
        this.json = json;
    }

    ImportOptions parse(Map<String, String> parameters) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String type = parameters.get("type");
        if (type == null || type.isBlank()) {
            errors.add(new Problem.FieldError("type", "is required"));
        } else if (type.codePointCount(0, type.length()) > MAX_TYPE_LENGTH) {
            errors.add(new Problem.FieldError("type", "must be at most " + MAX_TYPE_LENGTH + " characters"));
        } else if (type.indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError("type", "must not contain NUL characters"));
        }
        String nameColumn = parameters.getOrDefault("nameColumn", "name");
        if (nameColumn.isEmpty()) {
            errors.add(new Problem.FieldError("nameColumn", "must not be empty"));
        }
        char delimiter = delimiter(parameters.get("delimiter"), errors);
        Map<String, ImportOptions.Column> mapping = mapping(parameters.get("mapping"), errors);
        Map<String, ValueType> types = types(parameters.get("types"), errors);
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.path() + " " + e.message()).toList());
            throw new ProblemException(Problem.of(400, "Bad Request", "validation_failed", detail, false).withErrors(errors));
        }
        return new ImportOptions(type, nameColumn, delimiter, mapping, types);
    }

    private static char delimiter(@Nullable String raw, List<Problem.FieldError> errors) {
        if (raw == null || raw.isEmpty()) {
            return ',';
        }
        String value = raw.equals("\\t") || raw.equalsIgnoreCase("tab") ? "\t" : raw;
        if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r'
                || value.charAt(0) == '\0') {
            errors.add(new Problem.FieldError("delimiter", "must be one character other than a quote or line break (e.g. ',', ';', 'tab')"));
            return ',';
        }
        return value.charAt(0);
    }

    private @Nullable Map<String, ImportOptions.Column> mapping(@Nullable String raw, List<Problem.FieldError> errors) {
        Map<String, Object> object = jsonObject(raw, "mapping", errors);
        if (object == null) {
            return null;
        }
        Map<String, ImportOptions.Column> columns = new LinkedHashMap<>();
        object.forEach((column, target) -> {
            String path = "mapping." + column;
            if (target instanceof String key) {
                if (validKey(key, path, errors)) {
                    columns.put(column, new ImportOptions.Column(key, null));
                }
            } else if (target instanceof Map<?, ?> spec) {
                Object key = spec.containsKey("key") ? spec.get("key") : column;
                Object type = spec.get("type");
                ValueType valueType = null;
                if (type != null) {
                    valueType = type instanceof String t ? valueType(t, path + ".type", errors) : null;
                    if (!(type instanceof String)) {
                        errors.add(new Problem.FieldError(path + ".type", "must be a string"));
                    }
                }
                if (!(key instanceof String k)) {
                    errors.add(new Problem.FieldError(path + ".key", "must be a string"));
                } else if (validKey(k, path + ".key", errors)) {
                    columns.put(column, new ImportOptions.Column(k, valueType));
                }
            } else {
                errors.add(new Problem.FieldError(path, "must be a metadata key or an object {key, type}"));
            }
        });
        return columns;
    }

    private Map<String, ValueType> types(@Nullable String raw, List<Problem.FieldError> errors) {
        Map<String, Object> object = jsonObject(raw, "types", errors);
        Map<String, ValueType> types = new LinkedHashMap<>();
        if (object != null) {
            object.forEach((column, type) -> {
                if (type instanceof String t) {
                    ValueType valueType = valueType(t, "types." + column, errors);
                    if (valueType != null) {
                        types.put(column, valueType);
                    }
                } else {
                    errors.add(new Problem.FieldError("types." + column, "must be a string"));
                }
            });
        }
        return types;
    }

    private static @Nullable ValueType valueType(String raw, String path, List<Problem.FieldError> errors) {
        try {
            return ValueType.fromParameter(raw);
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError(path, e.getMessage()));
            return null;
        }
    }

    private static boolean validKey(String key, String path, List<Problem.FieldError> errors) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError(path, "must be a metadata key of 1-" + MAX_KEY_LENGTH + " characters without NUL"));
            return false;
        }
        return true;
    }

    private @Nullable Map<String, Object> jsonObject(@Nullable String raw, String field, List<Problem.FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            Object value = json.readValue(raw.getBytes(StandardCharsets.UTF_8), Argument.OBJECT_ARGUMENT);
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> object = new LinkedHashMap<>();
                map.forEach((k, v) -> object.put(String.valueOf(k), v));
                return object;
            }
            errors.add(new Problem.FieldError(field, "must be a JSON object"));
        } catch (IOException | RuntimeException e) {
            errors.add(new Problem.FieldError(field, "must be a JSON object"));
        }
        return null;
    }
}
