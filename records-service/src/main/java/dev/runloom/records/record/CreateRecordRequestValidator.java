package dev.runloom.records.record;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link CreateRecordRequest} into a {@link NewRecord}, and an update body into a
 * {@link RecordPatch}, or a 400 listing every bad field.
 */
final class CreateRecordRequestValidator {
    static final int MAX_TYPE_LENGTH = 255;
    static final int MAX_NAME_LENGTH = 500;

    private CreateRecordRequestValidator() {
    }

    static NewRecord validate(CreateRecordRequest body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String type = requiredString(body.type(), "type", MAX_TYPE_LENGTH, errors);
        String name = requiredString(body.name(), "name", MAX_NAME_LENGTH, errors);
        Map<String, Object> metadata = metadata(body.metadata(), errors);
        List<Map<String, Object>> messages = messages(body.messages(), errors);
        Map<String, Object> schema = optionalObject(body.metadataSchema(), "metadataSchema", errors);
        Map<String, Object> labels = labels(body.metadataLabels(), errors);
        checkStorable(metadata, "metadata", errors);
        checkStorable(messages, "messages", errors);
        checkStorable(schema, "metadataSchema", errors);
        checkStorable(labels, "metadataLabels", errors);
        failOn(errors);
        return new NewRecord(type, name, metadata, messages, schema, labels);
    }

    /**
     * {@code PUT /v1/records/:id}: every field optional; a field that is absent stays as it is,
     * {@code metadata} given replaces the stored metadata whole (reference §5 Q19).
     */
    static RecordPatch validatePatch(Map<String, Object> body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (String key : body.keySet()) {
            if (!List.of("type", "name", "metadata", "messages", "metadataSchema", "metadataLabels").contains(key)) {
                errors.add(new Problem.FieldError(key, "is not a field of a record that can be updated"));
            }
        }
        String type = body.containsKey("type") ? requiredString(body.get("type"), "type", MAX_TYPE_LENGTH, errors) : null;
        String name = body.containsKey("name") ? requiredString(body.get("name"), "name", MAX_NAME_LENGTH, errors) : null;
        Map<String, Object> metadata = body.containsKey("metadata") ? metadata(body.get("metadata"), errors) : null;
        List<Map<String, Object>> messages = messages(body.get("messages"), errors);
        Map<String, Object> schema = optionalObject(body.get("metadataSchema"), "metadataSchema", errors);
        Map<String, Object> labels = labels(body.get("metadataLabels"), errors);
        checkStorable(metadata, "metadata", errors);
        checkStorable(messages, "messages", errors);
        checkStorable(schema, "metadataSchema", errors);
        checkStorable(labels, "metadataLabels", errors);
        failOn(errors);
        return new RecordPatch(type, name, metadata, body.containsKey("messages"), messages,
                body.containsKey("metadataSchema"), schema, body.containsKey("metadataLabels"), labels);
    }

    /** Strings jsonb cannot store (NUL, unpaired surrogates) in any JSON field are named here, not a 500 later. */
    static void checkStorable(Object value, String field, List<Problem.FieldError> errors) {
        String where = dev.runloom.records.filter.StorableJson.firstUnstorable(value, field);
        if (where != null) {
            errors.add(new Problem.FieldError(where, "contains a NUL character or an unpaired UTF-16 surrogate"));
        }
    }

    private static void failOn(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.path() + " " + e.message()).toList());
            throw new ProblemException(Problem.of(400, "Bad Request", "validation_failed", detail, false).withErrors(errors));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalObject(Object value, String field, List<Problem.FieldError> errors) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new Problem.FieldError(field, "must be a JSON object or null"));
            return null;
        }
        return (Map<String, Object>) map;
    }

    /** {@code metadataLabels}: display label (string) per metadata key. */
    private static Map<String, Object> labels(Object value, List<Problem.FieldError> errors) {
        Map<String, Object> labels = optionalObject(value, "metadataLabels", errors);
        if (labels != null) {
            for (Map.Entry<String, Object> entry : labels.entrySet()) {
                if (!(entry.getValue() instanceof String)) {
                    errors.add(new Problem.FieldError("metadataLabels." + entry.getKey(), "must be a string"));
                }
            }
        }
        return labels;
    }

    private static String requiredString(Object value, String field, int maxLength, List<Problem.FieldError> errors) {
        if (value == null) {
            errors.add(new Problem.FieldError(field, "is required"));
            return null;
        }
        if (!(value instanceof String text)) {
            errors.add(new Problem.FieldError(field, "must be a string"));
            return null;
        }
        if (text.isBlank()) {
            errors.add(new Problem.FieldError(field, "must not be blank"));
        } else if (text.codePointCount(0, text.length()) > maxLength) {
            errors.add(new Problem.FieldError(field, "must be at most " + maxLength + " characters"));
        }
        return text;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Object value, List<Problem.FieldError> errors) {
        if (value == null) {
            return new LinkedHashMap<>();
        }
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new Problem.FieldError("metadata", "must be a JSON object"));
            return null;
        }
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(Object value, List<Problem.FieldError> errors) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            errors.add(new Problem.FieldError("messages", "must be a list of objects or null"));
            return null;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?>)) {
                errors.add(new Problem.FieldError("messages[" + i + "]", "must be a JSON object"));
            }
        }
        return (List<Map<String, Object>>) list;
    }
}
