package dev.runloom.flows.steps.records;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.ValuePath;
import dev.runloom.flows.steps.peers.PeerCalls;
import dev.runloom.flows.steps.peers.RecordStoreApi;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code upsert-record}: writes the JSON object in {@code sourceVariable} (a variable or a path into
 * one, e.g. {@code extracted.company}) as the metadata of the {@code recordType} record named
 * {@code recordName} (Liquid): created if missing, merged into otherwise. Without a name each run
 * creates a new, timestamp-named record. The write is idempotent per execution and step, so a retried
 * step never writes twice. A source that is not an object fails the step without writing.
 */
@Singleton
public class UpsertRecordStepType implements StepType {
    public static final String NAME = "upsert-record";

    private final RecordStoreApi api;
    private final PeerCalls peers;
    private final Liquid liquid;

    public UpsertRecordStepType(RecordStoreApi api, PeerCalls peers, Liquid liquid) {
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
        StepConfig.requiredString(config, "recordType", label);
        StepConfig.optionalString(config, "recordName", label);
        String source = StepConfig.requiredString(config, "sourceVariable", label).strip();
        String path = unwrap(source);
        if (!ValuePath.isValid(path)) {
            throw ProblemException.validation(label + ": config.sourceVariable '" + source
                    + "' must name a variable, e.g. extracted or extracted.company");
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put("sourceVariable", path);
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    /** "{{ extracted }}" is accepted for "extracted". */
    private static String unwrap(String source) {
        String s = source.strip();
        return s.startsWith("{{") && s.endsWith("}}") ? s.substring(2, s.length() - 2).strip() : s;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Map<String, Object> config = step.config();
        String type = (String) config.get("recordType");
        Liquid.ParsedTemplate name = config.get("recordName") instanceof String n && !n.isBlank() ? liquid.parse(n) : null;
        String source = (String) config.get("sourceVariable");
        return new PreparedStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                throw new UnsupportedOperationException("needs the step context");
            }

            @Override
            @SuppressWarnings("unchecked")
            public StepOutput run(StepContext context) {
                Object value = ValuePath.read(context.variables(), source);
                if (!(value instanceof Map<?, ?> metadata)) {
                    throw new IllegalArgumentException("sourceVariable '" + source + "' is "
                            + (value == null ? "empty" : "not a JSON object") + "; nothing was written");
                }
                String recordName = name == null ? null : liquid.render(name, context.variables()).strip();
                RecordStoreApi.WriteResult written = peers.call("records-service", context, token -> api.upsert(
                        new RecordStoreApi.UpsertRequest(context.idempotencyKey(), type,
                                recordName == null || recordName.isEmpty() ? null : recordName,
                                (Map<String, Object>) metadata), token));
                return StepOutput.of(RecordTarget.asOutput(written.record()));
            }
        };
    }
}
