package dev.runloom.records.filter;

import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.records.filter.RecordFilter.Combinator;
import dev.runloom.records.filter.RecordFilter.Condition;
import dev.runloom.records.filter.RecordFilter.Field;
import dev.runloom.records.filter.RecordFilter.Group;
import dev.runloom.records.filter.RecordFilter.Node;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@link RecordFilter} to a parameterised condition over the {@code records} table
 * (columns {@code id, name, type, created_at, updated_at, metadata}). User values are only ever
 * bound; field names become either a fixed column name from {@link Field#TOP_LEVEL} or a bound
 * {@code text[]} path for {@code metadata #> ?}.
 *
 * <p>Semantics on metadata paths:
 * <ul>
 *   <li>{@code eq}/{@code neq}: JSON equality, compiled to {@code metadata @> {path: value}} so the
 *   GIN {@code jsonb_path_ops} index serves it. A value written as a string also matches the number
 *   or boolean it spells (and a number matches its string form): CSV-imported metadata is often text.
 *   {@code eq null} matches a missing key or JSON null.</li>
 *   <li>{@code contains}/{@code startsWith}: case-insensitive text match; {@code contains} also
 *   matches an array holding the value.</li>
 *   <li>{@code gt}/{@code gte}/{@code lt}/{@code lte}: numeric when the value is a number (stored
 *   numbers and numeric strings compare), by instant when it is an ISO-8601 date; other stored values
 *   never match.</li>
 *   <li>{@code in}: equality with any of the values; {@code exists}: the key is present (value
 *   {@code false}: absent); {@code isEmpty}: missing, null, "", [] or {} (value {@code false}: not).</li>
 * </ul>
 */
@Singleton
public class RecordFilterCompiler {
    private static final String EMPTY_VALUES = "('null'::jsonb, '\"\"'::jsonb, '[]'::jsonb, '{}'::jsonb)";

    private final JsonColumns json;

    public RecordFilterCompiler(JsonColumns json) {
        this.json = json;
    }

    /** The filter's conditions, including its {@code type}. */
    public SqlCondition compile(RecordFilter filter) {
        List<Object> params = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        if (filter.type() != null) {
            parts.add("type = ?");
            params.add(filter.type());
        }
        String tree = group(filter.root(), params);
        if (!tree.isEmpty()) {
            parts.add(tree);
        }
        return parts.isEmpty() ? SqlCondition.NONE : new SqlCondition(String.join(" AND ", parts), params);
    }

    private String group(Group group, List<Object> params) {
        List<String> parts = new ArrayList<>();
        for (Node node : group.items()) {
            String part = switch (node) {
                case Group inner -> group(inner, params);
                case Condition condition -> condition(condition, params);
            };
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            return "";
        }
        return "(" + String.join(group.combinator() == Combinator.OR ? " OR " : " AND ", parts) + ")";
    }

    private String condition(Condition c, List<Object> params) {
        return c.field().isMetadata() ? metadata(c, params) : column(c, params);
    }

    private String column(Condition c, List<Object> params) {
        String column = c.field().column();
        Object value = c.value();
        if (c.field().isTimestamp()) {
            RecordFilter.Comparand comparable = value == null ? null : RecordFilter.Comparand.of(value);
            if (!(comparable instanceof RecordFilter.Comparand.Instant instant)) {
                throw RecordFilter.invalid("filter", c.field().name() + " compares with an ISO-8601 date");
            }
            params.add(instant.value());
            return column + " " + comparison(c.op()) + " ?";
        }
        switch (c.op()) {
            case EQ, NEQ -> {
                params.add(text(value));
                return column + (c.op() == RecordFilter.Operator.EQ ? " = ?" : " <> ?");
            }
            case CONTAINS -> {
                params.add("%" + likeEscape(text(value)) + "%");
                return column + " ILIKE ?";
            }
            case STARTS_WITH -> {
                params.add(likeEscape(text(value)) + "%");
                return column + " ILIKE ?";
            }
            case IN -> {
                params.add(((List<?>) value).stream().map(RecordFilterCompiler::text).toArray(String[]::new));
                return column + " = ANY(?::text[])";
            }
            default -> throw RecordFilter.invalid("filter",
                    "operator '" + c.op().wireName + "' does not apply to " + c.field().name());
        }
    }

    private String metadata(Condition c, List<Object> params) {
        String[] path = c.field().metadataPath().toArray(String[]::new);
        Object value = c.value();
        switch (c.op()) {
            case EQ, NEQ -> {
                String equal;
                if (value == null) {
                    params.add(path);
                    equal = "coalesce(metadata #> ?::text[], 'null'::jsonb) = 'null'::jsonb";
                } else {
                    List<String> ors = new ArrayList<>();
                    for (Object candidate : equalCandidates(value)) {
                        params.add(new JsonColumns.Json(json.text(nest(c.field().metadataPath(), candidate))));
                        ors.add("metadata @> ?::jsonb");
                    }
                    equal = "(" + String.join(" OR ", ors) + ")";
                }
                return c.op() == RecordFilter.Operator.EQ ? equal : "NOT " + equal;
            }
            case CONTAINS -> {
                params.add(path);
                params.add("%" + likeEscape(text(value)) + "%");
                params.add(path);
                params.add(new JsonColumns.Json(json.text(List.of(value))));
                return "((metadata #>> ?::text[]) ILIKE ? OR (metadata #> ?::text[]) @> ?::jsonb)";
            }
            case STARTS_WITH -> {
                params.add(path);
                params.add(likeEscape(text(value)) + "%");
                return "(metadata #>> ?::text[]) ILIKE ?";
            }
            case GT, GTE, LT, LTE -> {
                params.add(path);
                RecordFilter.Comparand comparable = RecordFilter.Comparand.of(value);
                if (comparable instanceof RecordFilter.Comparand.Number number) {
                    params.add(number.value());
                    return "jsonb_as_numeric(metadata #> ?::text[]) " + comparison(c.op()) + " ?";
                }
                params.add(((RecordFilter.Comparand.Instant) comparable).value());
                return "jsonb_as_timestamptz(metadata #> ?::text[]) " + comparison(c.op()) + " ?";
            }
            case IN -> {
                Set<String> candidates = new LinkedHashSet<>();
                for (Object v : (List<?>) value) {
                    if (v == null) {
                        candidates.add("null");
                    } else {
                        equalCandidates(v).forEach(candidate -> candidates.add(json.text(candidate)));
                    }
                }
                params.add(path);
                params.add(candidates.toArray(String[]::new));
                return "(metadata #> ?::text[]) = ANY(?::text[]::jsonb[])";
            }
            case EXISTS -> {
                params.add(path);
                return "(metadata #> ?::text[]) IS " + (Boolean.FALSE.equals(value) ? "NULL" : "NOT NULL");
            }
            case IS_EMPTY -> {
                params.add(path);
                return (Boolean.FALSE.equals(value) ? "NOT " : "")
                        + "(coalesce(metadata #> ?::text[], 'null'::jsonb) IN " + EMPTY_VALUES + ")";
            }
        }
        throw new IllegalStateException("unhandled operator " + c.op());
    }

    /** The JSON values an {@code eq} value matches: itself, plus the number/boolean a string spells, or a number's text. */
    private static List<Object> equalCandidates(Object value) {
        List<Object> candidates = new ArrayList<>();
        candidates.add(value);
        if (value instanceof String text) {
            String trimmed = text.trim();
            if (trimmed.equals("true") || trimmed.equals("false")) {
                candidates.add(Boolean.parseBoolean(trimmed));
            } else if (!trimmed.isEmpty() && trimmed.length() < 100) {
                try {
                    BigDecimal number = new BigDecimal(trimmed);
                    if (RecordFilter.finite(number)) {
                        candidates.add(number);
                    }
                } catch (NumberFormatException ignored) {
                    // plain text
                }
            }
        } else if (value instanceof Number || value instanceof Boolean) {
            candidates.add(value.toString());
        }
        return candidates;
    }

    /** {@code ["a","b"], v} → {@code {"a":{"b":v}}}: a containment probe for {@code metadata @> ?}. */
    private static Object nest(List<String> path, @Nullable Object value) {
        Object nested = value;
        for (int i = path.size() - 1; i >= 0; i--) {
            Map<String, Object> level = new LinkedHashMap<>();
            level.put(path.get(i), nested);
            nested = level;
        }
        return nested;
    }

    private static String comparison(RecordFilter.Operator op) {
        return switch (op) {
            case EQ -> "=";
            case NEQ -> "<>";
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
            default -> throw RecordFilter.invalid("filter", "operator '" + op.wireName + "' does not apply to dates");
        };
    }

    private static String text(@Nullable Object value) {
        return value == null ? "" : value.toString();
    }

    /** Escapes LIKE's wildcards (backslash is PostgreSQL's default LIKE escape). */
    public static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
