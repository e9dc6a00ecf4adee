package dev.runloom.records.record;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a {@link CreateRecordRequest} into a {@link NewRecord}, or a 400 listing every bad field. */
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
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.path() + " " + e.message()).toList());
            throw new ProblemException(Problem.of(400, "Bad Request", "validation_failed", detail, false).withErrors(errors));
        }
        return new NewRecord(type, name, metadata, messages);
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
