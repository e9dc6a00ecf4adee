package dev.runloom.flows.steps.records;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.TemplatedValue;
import dev.runloom.flows.steps.peers.PeerCalls;
import dev.runloom.flows.steps.peers.RecordStoreApi;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code update-record}: applies {@code updates} (a JSON object whose strings are Liquid; a string
 * that is exactly {@code {{ variable }}} keeps the variable's value) to the metadata of the record
 * named by {@code recordId} (Liquid, e.g. {@code {{_record.id}}}) or found by {@code recordFilter},
 * with {@code mergeStrategy} {@code merge} (default, top-level keys), {@code deep-merge} or
 * {@code replace}. Idempotent per execution and step. A target that does not resolve fails the step
 * without writing.
 */
@Singleton
public class UpdateRecordStepType implements StepType {
    public static final String NAME = "update-record";
    private static final Set<String> STRATEGIES = Set.of("merge", "deep-merge", "replace");

    private final RecordStoreApi api;
    private final PeerCalls peers;
    private final Liquid liquid;

    public UpdateRecordStepType(RecordStoreApi api, PeerCalls peers, Liquid liquid) {
        this.api = api;
        this.peers = peers;
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        String recordId = StepConfig.optionalString(config, "recordId", label);
        if (recordId == null || recordId.isBlank()) {
            if (config.get("recordFilter") == null) {
                throw ProblemException.validation(label + ": config.recordId or config.recordFilter is required");
            }
            RecordTarget.check(config, label, true);
        }
        if (!(config.get("updates") instanceof Map<?, ?>)) {
            throw ProblemException.validation(label + ": config.updates is required and must be an object");
        }
        String strategy = StepConfig.optionalString(config, "mergeStrategy", label);
        if (strategy != null && !STRATEGIES.contains(strategy)) {
            throw ProblemException.validation(label + ": config.mergeStrategy must be merge, deep-merge or replace");
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put("mergeStrategy", strategy == null ? "merge" : strategy);
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Map<String, Object> config = step.config();
        Liquid.ParsedTemplate recordId = config.get("recordId") instanceof String id && !id.isBlank() ? liquid.parse(id) : null;
        RecordTarget target = recordId == null ? RecordTarget.of(liquid, config) : null;
        TemplatedValue updates = TemplatedValue.parse(liquid, config.get("updates"));
        String strategy = (String) config.get("mergeStrategy");
        return new PreparedStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                throw new UnsupportedOperationException("needs the step context");
            }

            @Override
            @SuppressWarnings("unchecked")
            public StepOutput run(StepContext context) {
                String id;
                if (recordId != null) {
                    id = liquid.render(recordId, context.variables()).strip();
                    if (id.isEmpty()) {
                        throw new IllegalArgumentException("recordId rendered empty; nothing was written");
                    }
                } else {
                    RecordStoreApi.StoredRecord found = target.find(api, peers, context);
                    if (found == null) {
                        throw new IllegalArgumentException("no record matches recordFilter; nothing was written");
                    }
                    id = found.id();
                }
                Map<String, Object> rendered = (Map<String, Object>) updates.render(context.variables());
                RecordStoreApi.WriteResult written = peers.call("records-service", context, token -> api.update(id,
                        new RecordStoreApi.UpdateRequest(context.idempotencyKey(), rendered, strategy), token));
                if (written == null) {
                    throw new IllegalArgumentException("record " + id + " was not found; nothing was written");
                }
                return StepOutput.of(RecordTarget.asOutput(written.record()));
            }
        };
    }
}
