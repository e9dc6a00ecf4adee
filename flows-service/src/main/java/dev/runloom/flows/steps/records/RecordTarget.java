package dev.runloom.flows.steps.records;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.TemplatedValue;
import dev.runloom.flows.steps.peers.PeerCalls;
import dev.runloom.flows.steps.peers.RecordStoreApi;
import io.micronaut.core.annotation.Nullable;

import java.util.Map;
import java.util.Set;

/**
 * Which record a step means: {@code recordType} + {@code recordName} (Liquid), or
 * {@code recordFilter} {@code {type, where: {field, op, value}}} (the value may be Liquid), or both;
 * the newest match wins. Checked at save time, rendered and looked up through records-service at run time.
 */
final class RecordTarget {
    static final Set<String> OPS = Set.of("eq", "neq", "contains", "gt", "gte", "lt", "lte", "exists");

    private final @Nullable String type;
    private final Liquid.@Nullable ParsedTemplate name;
    private final @Nullable String whereField;
    private final @Nullable String whereOp;
    private final @Nullable TemplatedValue whereValue;
    private final Liquid liquid;

    private RecordTarget(Liquid liquid, Map<String, Object> config) {
        this.liquid = liquid;
        Map<?, ?> filter = config.get("recordFilter") instanceof Map<?, ?> f ? f : Map.of();
        String filterType = filter.get("type") instanceof String t && !t.isBlank() ? t : null;
        this.type = config.get("recordType") instanceof String t && !t.isBlank() ? t : filterType;
        this.name = config.get("recordName") instanceof String n && !n.isBlank() ? liquid.parse(n) : null;
        Map<?, ?> where = filter.get("where") instanceof Map<?, ?> w ? w : null;
        this.whereField = where == null ? null : (String) where.get("field");
        this.whereOp = where == null ? null : where.get("op") == null ? "eq" : (String) where.get("op");
        this.whereValue = where == null ? null : TemplatedValue.parse(liquid, where.get("value"));
    }

    static RecordTarget of(Liquid liquid, Map<String, Object> config) {
        return new RecordTarget(liquid, config);
    }

    /** @param needsIdentity whether a type alone (the newest record of it) is not enough */
    static void check(Map<String, Object> config, String label, boolean needsIdentity) {
        StepConfig.optionalString(config, "recordType", label);
        StepConfig.optionalString(config, "recordName", label);
        Object filter = config.get("recordFilter");
        boolean hasWhere = false;
        if (filter != null) {
            if (!(filter instanceof Map<?, ?> f)) {
                throw ProblemException.validation(label + ": config.recordFilter must be an object {type, where}");
            }
            if (f.get("type") != null && !(f.get("type") instanceof String)) {
                throw ProblemException.validation(label + ": config.recordFilter.type must be a string");
            }
            Object where = f.get("where");
            if (where != null) {
                if (!(where instanceof Map<?, ?> w) || !(w.get("field") instanceof String field) || field.isBlank()) {
                    throw ProblemException.validation(label + ": config.recordFilter.where must be {field, op, value} with a field");
                }
                if (w.get("op") != null && !OPS.contains(String.valueOf(w.get("op")))) {
                    throw ProblemException.validation(label + ": config.recordFilter.where.op must be one of "
                            + String.join(", ", OPS.stream().sorted().toList()));
                }
                hasWhere = true;
            }
        }
        boolean hasType = config.get("recordType") instanceof String t && !t.isBlank()
                || filter instanceof Map<?, ?> f && f.get("type") instanceof String ft && !ft.isBlank();
        boolean hasName = config.get("recordName") instanceof String n && !n.isBlank();
        if (!hasType && !hasWhere) {
            throw ProblemException.validation(label + ": config.recordType (or config.recordFilter) is required");
        }
        if (needsIdentity && !hasName && !hasWhere) {
            throw ProblemException.validation(label + ": config.recordName or config.recordFilter.where is required to pick the record");
        }
    }

    @Nullable RecordStoreApi.StoredRecord find(RecordStoreApi api, PeerCalls peers, StepContext context) {
        Map<String, Object> variables = context.variables();
        String renderedName = name == null ? null : liquid.render(name, variables);
        RecordStoreApi.Where where = whereField == null ? null
                : new RecordStoreApi.Where(whereField, whereOp, whereValue.render(variables));
        RecordStoreApi.Found found = peers.call("records-service", context,
                token -> api.find(new RecordStoreApi.FindRequest(type, renderedName, where), token));
        return found == null ? null : found.record();
    }

    static Map<String, Object> asOutput(RecordStoreApi.StoredRecord record) {
        return Map.of("id", record.id(), "type", record.type(), "name", record.name(), "metadata", record.metadata(),
                "createdAt", record.createdAt(), "updatedAt", record.updatedAt());
    }
}
