package dev.runloom.records.record;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.records.filter.RecordFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Reads "which records" from a request — query parameters ({@code type}, {@code search}, JSON
 * {@code filter}) or a JSON body ({@code type}, {@code filter}) — into a {@link RecordQuery}; every
 * bad value is a 400 naming it.
 */
@Singleton
public class RecordQueryParams {
    static final int MAX_SEARCH_LENGTH = 500;

    private final JsonMapper json;

    public RecordQueryParams(JsonMapper json) {
        this.json = json;
    }

    public RecordQuery fromQuery(@Nullable String type, @Nullable String search, @Nullable String filter) {
        return new RecordQuery(type(type, "type"), search(search), RecordFilter.parseJson(filter, json, "filter"));
    }

    /** {@code type} and {@code filter} of a JSON body; {@code filter.type} counts as the type when {@code type} is absent. */
    public RecordQuery fromBody(Map<String, Object> body) {
        Object type = body.get("type");
        if (type != null && !(type instanceof String)) {
            throw ProblemException.validation("type must be a string");
        }
        Object filter = body.get("filter");
        if (filter instanceof String text) {
            return new RecordQuery(type((String) type, "type"), null, RecordFilter.parseJson(text, json, "filter"));
        }
        return new RecordQuery(type((String) type, "type"), null, RecordFilter.parse(filter, "filter"));
    }

    static @Nullable String type(@Nullable String type, String name) {
        if (type == null || type.isEmpty()) {
            return null;
        }
        if (type.length() > CreateRecordRequestValidator.MAX_TYPE_LENGTH) {
            throw ProblemException.invalidParameter(name, "must be at most 255 characters");
        }
        noNul(type, name);
        return type;
    }

    private static @Nullable String search(@Nullable String search) {
        if (search == null || search.isBlank()) {
            return null;
        }
        if (search.length() > MAX_SEARCH_LENGTH) {
            throw ProblemException.invalidParameter("search", "must be at most " + MAX_SEARCH_LENGTH + " characters");
        }
        noNul(search, "search");
        return search.trim();
    }

    public static void noNul(String value, String name) {
        if (value.indexOf('\u0000') >= 0) {
            throw ProblemException.invalidParameter(name, "must not contain NUL characters");
        }
    }

    /** A {@code metadata.a.b} (or bare {@code a.b}) field name as its path segments. */
    public static List<String> metadataPath(@Nullable String field, String name) {
        if (field == null || field.isBlank()) {
            throw ProblemException.invalidParameter(name, "is required");
        }
        noNul(field, name);
        String path = field.startsWith("metadata.") ? field.substring("metadata.".length()) : field;
        List<String> segments = List.of(path.split("\\.", -1));
        if (path.isEmpty() || segments.stream().anyMatch(String::isEmpty) || segments.size() > RecordFilter.MAX_PATH_DEPTH
                || path.length() > 1000) {
            throw ProblemException.invalidParameter(name, "must be a metadata key such as status or metadata.address.city");
        }
        return segments;
    }
}
