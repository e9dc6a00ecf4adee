package dev.runloom.flows.steps.events;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.events.CustomEventV1;
import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.StepContext;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.TemplatedValue;
import dev.runloom.flows.steps.ValuePath;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code send-event}: publishes {@code data} (any JSON, strings Liquid-rendered) or the value of
 * {@code sourceVariable} as a {@code runloom.flows.custom-event.published.v1} CloudEvent on
 * {@code runloom.flows.custom-events.v1} (key and {@code runloomorg} = the organization, subject =
 * {@code eventType}). The output is what was sent. docs/events.md describes the topic.
 */
@Singleton
public class SendEventStepType implements StepType {
    public static final String NAME = "send-event";
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    private final CustomEvents events;
    private final Liquid liquid;

    public SendEventStepType(CustomEvents events, Liquid liquid) {
        this.events = events;
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        String eventType = StepConfig.requiredString(config, "eventType", label).strip();
        if (!EVENT_TYPE.matcher(eventType).matches()) {
            throw ProblemException.validation(label + ": config.eventType must be 1-200 letters, digits and . _ : / -,"
                    + " starting with a letter or digit");
        }
        String source = StepConfig.optionalString(config, "sourceVariable", label);
        if (source != null && !ValuePath.isValid(source.strip())) {
            throw ProblemException.validation(label + ": config.sourceVariable must name a variable, e.g. summary or lead.company");
        }
        if (!config.containsKey("data") && source == null) {
            throw ProblemException.validation(label + ": config.data or config.sourceVariable is required");
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put("eventType", eventType);
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Map<String, Object> config = step.config();
        String eventType = (String) config.get("eventType");
        String source = config.get("sourceVariable") instanceof String s ? s.strip() : null;
        TemplatedValue data = source == null ? TemplatedValue.parse(liquid, config.get("data")) : null;
        return new PreparedStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                throw new UnsupportedOperationException("needs the step context");
            }

            @Override
            public StepOutput run(StepContext context) {
                Object payload = source != null ? ValuePath.read(context.variables(), source) : data.render(context.variables());
                events.publish(new CustomEventV1(eventType, context.organizationId(), context.flowId(),
                        context.executionId(), context.stepId(), context.recordId(), context.idempotencyKey(), payload,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS)));
                return StepOutput.of(payload);
            }
        };
    }
}
