package dev.runloom.records.filter;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chip filter of the records API (reference §5 Q4): {@code {type, where:[{field, op, value}],
 * combinator}}, where a {@code where} entry may itself be a group {@code {where:[…], combinator}}.
 * Fields are the top-level ones ({@link Field#TOP_LEVEL}) or {@code metadata.<key>[.<key>…]}.
 * Parsing checks the whole shape and answers a 400 ({@code invalid_filter}) that names what is
 * wrong; {@link RecordFilterCompiler} turns a parsed filter into parameterised SQL.
 *
 * <p>Used by the list, export, preview, bulk delete and bulk edit endpoints.
 */
public record RecordFilter(@Nullable String type, Group root) {
    public static final int MAX_CONDITIONS = 50;
    public static final int MAX_DEPTH = 4;
    public static final int MAX_IN_VALUES = 1000;
    public static final int MAX_PATH_DEPTH = 10;
    public static final int MAX_TEXT_LENGTH = 1000;
    public static final int MAX_FILTER_CHARS = 100_000;

    /** An empty filter: every record (of {@code type}, when given). */
    public static RecordFilter none(@Nullable String type) {
        return new RecordFilter(type, new Group(Combinator.AND, List.of()));
    }

    public boolean isEmpty() {
        return root.items().isEmpty();
    }

    public enum Combinator { AND, OR }

    public enum Operator {
        EQ("eq"), NEQ("neq"), CONTAINS("contains"), STARTS_WITH("startsWith"), GT("gt"), GTE("gte"), LT("lt"),
        LTE("lte"), IN("in"), EXISTS("exists"), IS_EMPTY("isEmpty");

        public final String wireName;

        Operator(String wireName) {
            this.wireName = wireName;
        }

        static @Nullable Operator of(String name) {
            for (Operator op : values()) {
                if (op.wireName.equals(name)) {
                    return op;
                }
            }
            return null;
        }

        static String names() {
            return String.join(", ", java.util.Arrays.stream(values()).map(o -> o.wireName).toList());
        }
    }

    /** A node of the filter tree. */
    public sealed interface Node permits Group, Condition {
    }

    public record Group(Combinator combinator, List<Node> items) implements Node {
    }

    /** {@code value}: a JSON scalar (String, Number, Boolean, null) or, for {@code in}, a list of them. */
    public record Condition(Field field, Operator op, @Nullable Object value) implements Node {
    }

    /** A top-level column or a path inside {@code metadata}. */
    public record Field(String name, @Nullable String column, List<String> metadataPath) {
        /** Top-level fields by their API name, with their column. */
        public static final Map<String, String> TOP_LEVEL = Map.of("id", "id", "name", "name", "type", "type",
                "createdAt", "created_at", "updatedAt", "updated_at");

        public boolean isMetadata() {
            return column == null;
        }

        public boolean isTimestamp() {
            return "created_at".equals(column) || "updated_at".equals(column);
        }

        /**
         * {@code name}, {@code createdAt} …, or {@code metadata.a.b}: dotted segments, each non-empty.
         *
         * @throws ProblemException 400 naming the field when it is neither
         */
        public static Field parse(String name, String parameter) {
            if (TOP_LEVEL.containsKey(name)) {
                return new Field(name, TOP_LEVEL.get(name), List.of());
            }
            if (StorableJson.isUnstorable(name)) {
                throw invalid(parameter, "field names must not contain NUL characters or unpaired UTF-16 surrogates");
            }
            if (name.startsWith("metadata.")) {
                String[] segments = name.substring("metadata.".length()).split("\\.", -1);
                if (segments.length > MAX_PATH_DEPTH) {
                    throw invalid(parameter, "field '" + name + "' is nested deeper than " + MAX_PATH_DEPTH + " levels");
                }
                for (String segment : segments) {
                    if (segment.isEmpty()) {
                        throw invalid(parameter, "field '" + name + "' has an empty path segment");
                    }
                }
                return new Field(name, null, List.of(segments));
            }
            throw invalid(parameter, "field '" + name + "' is unknown; use one of " + String.join(", ",
                    TOP_LEVEL.keySet().stream().sorted().toList()) + " or metadata.<key>");
        }
    }

    /** Parses the {@code filter} query parameter (JSON text); blank means no filter. */
    public static RecordFilter parseJson(@Nullable String text, JsonMapper json, String parameter) {
        if (text == null || text.isBlank()) {
            return none(null);
        }
        if (text.length() > MAX_FILTER_CHARS) {
            throw invalid(parameter, "is longer than " + MAX_FILTER_CHARS + " characters");
        }
        Object parsed;
        try {
            parsed = json.readValue(text.getBytes(StandardCharsets.UTF_8), Object.class);
        } catch (IOException | RuntimeException e) {
            throw invalid(parameter, "is not valid JSON");
        }
        return parse(parsed, parameter);
    }

    /**
     * Parses an already-decoded JSON value (a request body's {@code filter}); null means no filter.
     * A bare list is taken as the {@code where} list, combined with AND.
     */
    public static RecordFilter parse(@Nullable Object value, String parameter) {
        if (value == null) {
            return none(null);
        }
        if (value instanceof List<?> list) {
            return new RecordFilter(null, group(Map.of("where", list), parameter, 1, new int[1]));
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw invalid(parameter, "must be a JSON object {type, where:[{field, op, value}], combinator}");
        }
        Object type = map.get("type");
        if (type != null && !(type instanceof String)) {
            throw invalid(parameter, "type must be a string");
        }
        String typeText = (String) type;
        if (typeText != null && (typeText.isEmpty() || typeText.length() > 255)) {
            throw invalid(parameter, "type must be 1 to 255 characters");
        }
        return new RecordFilter(typeText, group(map, parameter, 1, new int[1]));
    }

    private static Group group(Map<?, ?> map, String parameter, int depth, int[] conditions) {
        if (depth > MAX_DEPTH) {
            throw invalid(parameter, "groups are nested deeper than " + MAX_DEPTH + " levels");
        }
        for (Object key : map.keySet()) {
            if (!Set.of("type", "where", "combinator").contains(key)) {
                throw invalid(parameter, "has an unknown property '" + key + "'");
            }
        }
        Combinator combinator = combinator(map.get("combinator"), parameter);
        Object where = map.get("where");
        if (where == null) {
            return new Group(combinator, List.of());
        }
        if (!(where instanceof List<?> entries)) {
            throw invalid(parameter, "where must be a list of {field, op, value}");
        }
        List<Node> items = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            String at = "where[" + i + "]";
            if (!(entry instanceof Map<?, ?> item)) {
                throw invalid(parameter, at + " must be an object {field, op, value}");
            }
            if (item.containsKey("where")) {
                items.add(group(item, parameter, depth + 1, conditions));
            } else {
                if (++conditions[0] > MAX_CONDITIONS) {
                    throw invalid(parameter, "has more than " + MAX_CONDITIONS + " conditions");
                }
                items.add(condition(item, parameter, at));
            }
        }
        return new Group(combinator, items);
    }

    private static Combinator combinator(@Nullable Object value, String parameter) {
        if (value == null) {
            return Combinator.AND;
        }
        if (value instanceof String text) {
            if (text.equalsIgnoreCase("and")) {
                return Combinator.AND;
            }
            if (text.equalsIgnoreCase("or")) {
                return Combinator.OR;
            }
        }
        throw invalid(parameter, "combinator must be 'and' or 'or'");
    }

    private static Condition condition(Map<?, ?> item, String parameter, String at) {
        for (Object key : item.keySet()) {
            if (!Set.of("field", "op", "operator", "value").contains(key)) {
                throw invalid(parameter, at + " has an unknown property '" + key + "'");
            }
        }
        if (!(item.get("field") instanceof String fieldName) || fieldName.isEmpty()) {
            throw invalid(parameter, at + ".field must be a non-empty string");
        }
        Field field = Field.parse(fieldName, parameter);
        Object opValue = item.containsKey("op") ? item.get("op") : item.get("operator");
        if (!(opValue instanceof String opName)) {
            throw invalid(parameter, at + ".op must be one of " + Operator.names());
        }
        Operator op = Operator.of(opName);
        if (op == null) {
            throw invalid(parameter, at + ": unknown operator '" + truncate(opName) + "'; use one of " + Operator.names());
        }
        Object value = item.get("value");
        checkValue(field, op, value, parameter, at);
        return new Condition(field, op, value);
    }

    private static void checkValue(Field field, Operator op, @Nullable Object value, String parameter, String at) {
        switch (op) {
            case EXISTS, IS_EMPTY -> {
                if (value != null && !(value instanceof Boolean)) {
                    throw invalid(parameter, at + ": '" + op.wireName + "' takes true, false or no value");
                }
                if (!field.isMetadata()) {
                    throw invalid(parameter, at + ": '" + op.wireName + "' applies to metadata fields only");
                }
            }
            case IN -> {
                if (!(value instanceof List<?> values) || values.isEmpty() || values.size() > MAX_IN_VALUES) {
                    throw invalid(parameter, at + ": 'in' takes a list of 1 to " + MAX_IN_VALUES + " values");
                }
                for (Object v : values) {
                    scalar(v, parameter, at);
                }
            }
            case CONTAINS, STARTS_WITH -> {
                if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
                    throw invalid(parameter, at + ": '" + op.wireName + "' takes a string");
                }
                scalar(value, parameter, at);
                if (field.isTimestamp()) {
                    throw invalid(parameter, at + ": '" + op.wireName + "' does not apply to " + field.name());
                }
            }
            case GT, GTE, LT, LTE -> {
                scalar(value, parameter, at);
                if (value == null || Comparand.of(value) == null) {
                    throw invalid(parameter, at + ": '" + op.wireName + "' takes a number or an ISO-8601 date");
                }
                if (!field.isMetadata() && !field.isTimestamp()) {
                    throw invalid(parameter, at + ": '" + op.wireName + "' applies to createdAt, updatedAt and metadata fields");
                }
                if (field.isTimestamp() && !(Comparand.of(value) instanceof Comparand.Instant)) {
                    throw invalid(parameter, at + ": " + field.name() + " compares with an ISO-8601 date");
                }
            }
            case EQ, NEQ -> {
                scalar(value, parameter, at);
                if (!field.isMetadata() && value == null) {
                    throw invalid(parameter, at + ": " + field.name() + " is never null");
                }
                if (field.isTimestamp() && !(value != null && Comparand.of(value) instanceof Comparand.Instant)) {
                    throw invalid(parameter, at + ": " + field.name() + " compares with an ISO-8601 date");
                }
            }
        }
    }

    private static void scalar(@Nullable Object value, String parameter, String at) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw invalid(parameter, at + ".value must be a string, number, boolean or null");
        }
        if (value instanceof Number number && !finite(number)) {
            throw invalid(parameter, at + ".value is not a number PostgreSQL can compare (NaN, infinite or beyond 1e"
                    + MAX_EXPONENT + ")");
        }
        if (value instanceof String text) {
            if (text.length() > MAX_TEXT_LENGTH) {
                throw invalid(parameter, at + ".value is longer than " + MAX_TEXT_LENGTH + " characters");
            }
            if (StorableJson.isUnstorable(text)) {
                throw invalid(parameter, at + ".value contains a NUL character or an unpaired UTF-16 surrogate");
            }
        }
    }

    /** Numbers beyond this magnitude (or precision) are refused: PostgreSQL's numeric would overflow or crawl. */
    static final int MAX_EXPONENT = 1000;

    /** A number the database can hold as numeric: not NaN or infinite, exponent and digits within bounds. */
    static boolean finite(Number number) {
        if (number instanceof Double d && (d.isNaN() || d.isInfinite())
                || number instanceof Float f && (f.isNaN() || f.isInfinite())) {
            return false;
        }
        try {
            java.math.BigDecimal decimal = new java.math.BigDecimal(number.toString());
            int magnitude = decimal.precision() - decimal.scale();
            return Math.abs(magnitude) <= MAX_EXPONENT && Math.abs(decimal.scale()) <= MAX_EXPONENT
                    && decimal.precision() <= MAX_EXPONENT;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A value that {@code gt}/{@code lt} … can compare: a number, or a date. */
    sealed interface Comparand {
        record Number(java.math.BigDecimal value) implements Comparand {
        }

        record Instant(java.time.Instant value) implements Comparand {
        }

        static @Nullable Comparand of(Object value) {
            if (value instanceof java.lang.Number n) {
                return new Number(new java.math.BigDecimal(n.toString()));
            }
            if (value instanceof String text) {
                String t = text.trim();
                try {
                    java.math.BigDecimal decimal = new java.math.BigDecimal(t);
                    return finite(decimal) ? new Number(decimal) : null;
                } catch (NumberFormatException ignored) {
                    // not a number: maybe a date
                }
                java.time.Instant instant = Dates.parse(t);
                return instant == null ? null : new Instant(instant);
            }
            return null;
        }
    }

    private static String truncate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    static ProblemException invalid(String parameter, String detail) {
        return ProblemException.badRequest("invalid_filter", "Filter '" + parameter + "' " + detail);
    }
}
