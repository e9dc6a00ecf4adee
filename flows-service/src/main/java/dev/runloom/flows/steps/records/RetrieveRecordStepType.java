package dev.runloom.flows.steps.records;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.peers.PeerCalls;
import dev.runloom.flows.steps.peers.RecordStoreApi;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code retrieve-record}: reads one record of the organization — by {@code recordType} +
 * {@code recordName}, or by {@code recordFilter} — through records-service. The output is the record
 * ({@code id, type, name, metadata, createdAt, updatedAt}), or null when none matches (not a failure).
 */
@Singleton
public class RetrieveRecordStepType implements StepType {
    public static final String NAME = "retrieve-record";

    private final RecordStoreApi api;
    private final PeerCalls peers;
    private final Liquid liquid;

    public RetrieveRecordStepType(RecordStoreApi api, PeerCalls peers, Liquid liquid) {
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
        RecordTarget.check(config, label, false);
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        RecordTarget target = RecordTarget.of(liquid, step.config());
        return new PreparedStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                throw new UnsupportedOperationException("needs the step context");
            }

            @Override
            public StepOutput run(StepContext context) {
                RecordStoreApi.StoredRecord record = target.find(api, peers, context);
                return StepOutput.of(record == null ? null : RecordTarget.asOutput(record));
            }
        };
    }
}
