package dev.runloom.flows.steps;

import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.Models;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prompt}: renders {@code systemPrompt} and {@code userPrompt} with Liquid, calls the model
 * through {@link Models} (priced there), and outputs the reply: parsed JSON when
 * {@code responseFormat} is {@code json} and the reply parses, the text otherwise.
 */
@Singleton
public class PromptStepType implements StepType {
    public static final String NAME = "prompt";
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json");

    private final Liquid liquid;
    private final Models models;
    private final JsonMapper json;

    public PromptStepType(Liquid liquid, Models models, JsonMapper json) {
        this.liquid = liquid;
        this.models = models;
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean callsModel() {
        return true;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        StepConfig.requiredString(config, "userPrompt", label);
        StepConfig.optionalString(config, "systemPrompt", label);
        String model = StepConfig.optionalString(config, "model", label);
        String format = StepConfig.optionalString(config, "responseFormat", label);
        if (format != null && !RESPONSE_FORMATS.contains(format)) {
            throw ProblemException.validation(label + ": config.responseFormat must be text or json");
        }
        Number temperature = StepConfig.optionalNumber(config, "temperature", label);
        if (temperature != null && (temperature.doubleValue() < 0 || temperature.doubleValue() > 2)) {
            throw ProblemException.validation(label + ": config.temperature must be between 0 and 2");
        }
        Number maxTokens = StepConfig.optionalNumber(config, "maxTokens", label);
        if (maxTokens != null && (maxTokens.longValue() < 1 || maxTokens.longValue() > 1_000_000
                || maxTokens.doubleValue() != maxTokens.longValue())) {
            throw ProblemException.validation(label + ": config.maxTokens must be a positive integer");
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put("model", model == null || model.isBlank() ? LocalModel.NAME : model.trim());
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Map<String, Object> config = step.config();
        Liquid.ParsedTemplate user = liquid.parse((String) config.get("userPrompt"));
        Liquid.ParsedTemplate system = config.get("systemPrompt") instanceof String s && !s.isBlank() ? liquid.parse(s) : null;
        String model = (String) config.get("model");
        boolean jsonReply = "json".equals(config.get("responseFormat"));
        Double temperature = config.get("temperature") instanceof Number n ? n.doubleValue() : null;
        Integer maxTokens = config.get("maxTokens") instanceof Number n ? n.intValue() : null;
        return context -> {
            String userPrompt = liquid.render(user, context);
            String systemPrompt = system == null ? null : liquid.render(system, context);
            ModelCall call;
            try {
                call = models.complete(new ModelRequest(model, systemPrompt,
                        List.of(new ChatMessage("user", userPrompt)), temperature, maxTokens));
            } catch (RuntimeException e) {
                String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
                throw new StepFailure("model call failed: " + message, userPrompt, model, e);
            }
            String text = call.response().text();
            Object value = jsonReply ? parseJsonOrKeep(text) : text;
            return new StepOutput(value, userPrompt, call.response().model(), call.response().usage(),
                    call.cost(), call.price());
        };
    }

    /** A model asked for JSON may still answer prose; then the prose is the output. */
    private Object parseJsonOrKeep(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("```")) {
            trimmed = trimmed.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        try {
            Object parsed = json.readValue(trimmed, Object.class);
            return parsed != null ? parsed : text;
        } catch (IOException | RuntimeException e) {
            return text;
        }
    }
}
