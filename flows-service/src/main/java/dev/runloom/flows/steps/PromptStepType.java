package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.models.CallOrigin;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelCallException;
import dev.runloom.models.ModelCallPolicy;
import dev.runloom.models.ModelCaller;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.ResponseFormat;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prompt}: renders {@code systemPrompt} and {@code userPrompt} with Liquid, calls the model
 * through {@link ModelCaller} (priced there) and outputs the reply — parsed JSON when
 * {@code responseFormat} is {@code json} (a reply that is not JSON fails the step), the text otherwise.
 *
 * <p>Failure handling, in the step's config:
 * <pre>
 * "timeoutMs": 30000,                   // per attempt; default runloom.models.default-timeout (60 s)
 * "errorHandling": {
 *   "retries": 2,                       // more attempts on 429 (after Retry-After), 5xx, connection errors, timeouts
 *                                       // ("retryCount" is accepted as a synonym)
 *   "backoffMs": 500,                   // first backoff, doubled each retry, with jitter
 *   "fallbackModel": "claude-sonnet"    // tried, with the same retries, when the model still fails
 * }
 * </pre>
 * Every attempt is counted in the step result's {@code retryCount}.
 */
@Singleton
public class PromptStepType implements StepType {
    public static final String NAME = "prompt";
    static final String ERROR_HANDLING = "errorHandling";
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json");
    private static final long MAX_TIMEOUT_MS = 600_000;
    private static final long MAX_BACKOFF_MS = 60_000;

    private final Liquid liquid;
    private final ModelCaller models;
    private final JsonMapper json;

    public PromptStepType(Liquid liquid, ModelCaller models, JsonMapper json) {
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
        wholeNumber(config, "timeoutMs", "config.timeoutMs", 1, MAX_TIMEOUT_MS, label);
        Object errorHandling = config.get(ERROR_HANDLING);
        if (errorHandling != null) {
            if (!(errorHandling instanceof Map<?, ?> handling)) {
                throw ProblemException.validation(label + ": config.errorHandling must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> options = (Map<String, Object>) handling;
            wholeNumber(options, "retries", "config.errorHandling.retries", 0, ModelCallPolicy.MAX_RETRIES, label);
            wholeNumber(options, "retryCount", "config.errorHandling.retryCount", 0, ModelCallPolicy.MAX_RETRIES, label);
            wholeNumber(options, "backoffMs", "config.errorHandling.backoffMs", 0, MAX_BACKOFF_MS, label);
            Object fallback = options.get("fallbackModel");
            if (fallback != null && (!(fallback instanceof String s) || s.isBlank())) {
                throw ProblemException.validation(label + ": config.errorHandling.fallbackModel must be a non-empty string");
            }
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put("model", model == null || model.isBlank() ? LocalModel.NAME : model.trim());
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    private static void wholeNumber(Map<String, Object> config, String key, String field, long min, long max, String label) {
        Object value = config.get(key);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            throw ProblemException.validation(label + ": " + field + " must be a whole number between " + min + " and " + max);
        }
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        Map<String, Object> config = step.config();
        Liquid.ParsedTemplate user = liquid.parse((String) config.get("userPrompt"));
        Liquid.ParsedTemplate system = config.get("systemPrompt") instanceof String s && !s.isBlank() ? liquid.parse(s) : null;
        String model = (String) config.get("model");
        ResponseFormat format = "json".equals(config.get("responseFormat")) ? ResponseFormat.JSON : ResponseFormat.TEXT;
        Double temperature = config.get("temperature") instanceof Number n ? n.doubleValue() : null;
        Integer maxTokens = config.get("maxTokens") instanceof Number n ? n.intValue() : null;
        ModelCallPolicy policy = policyOf(config);
        return new PreparedStep() {
            @Override
            public StepOutput run(Map<String, Object> context) {
                return call(context, null);
            }

            @Override
            public StepOutput run(StepContext context) {
                return call(context.variables(), context.callOrigin());
            }

            private StepOutput call(Map<String, Object> context, CallOrigin origin) {
            String userPrompt = liquid.render(user, context);
            String systemPrompt = system == null ? null : liquid.render(system, context);
            ModelRequest request = new ModelRequest(model, systemPrompt, List.of(ChatMessage.user(userPrompt)),
                    temperature, maxTokens).withResponseFormat(format);
            ModelCall call;
            try {
                call = models.call(request, policy, origin);
            } catch (ModelCallException e) {
                throw new StepFailure(e.getMessage(), userPrompt, e.model(), Math.max(0, e.attempts() - 1), e.spent(), e);
            } catch (RuntimeException e) {
                String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
                throw new StepFailure("model call failed: " + message, userPrompt, model, e);
            }
            String text = call.response().text();
            Object value = format == ResponseFormat.JSON ? parseJson(text) : text;
            return new StepOutput(value, userPrompt, call.response().model(), call.response().usage(),
                    call.cost(), call.price(), call.retries());
            }
        };
    }

    private static ModelCallPolicy policyOf(Map<String, Object> config) {
        Duration timeout = config.get("timeoutMs") instanceof Number n ? Duration.ofMillis(n.longValue()) : null;
        int retries = 0;
        Duration backoff = null;
        String fallback = null;
        if (config.get(ERROR_HANDLING) instanceof Map<?, ?> handling) {
            Object count = handling.get("retries") != null ? handling.get("retries") : handling.get("retryCount");
            retries = count instanceof Number n ? n.intValue() : 0;
            backoff = handling.get("backoffMs") instanceof Number n ? Duration.ofMillis(n.longValue()) : null;
            fallback = handling.get("fallbackModel") instanceof String s ? s : null;
        }
        return new ModelCallPolicy(retries, timeout, fallback, backoff);
    }

    /** {@link ModelCaller} already checked that the reply is one JSON value. */
    private Object parseJson(String text) {
        try {
            Object parsed = json.readValue(text, Object.class);
            return parsed != null ? parsed : text;
        } catch (IOException | RuntimeException e) {
            return text;
        }
    }
}
