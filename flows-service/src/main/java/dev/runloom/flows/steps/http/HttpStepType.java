package dev.runloom.flows.steps.http;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.outbound.GuardedHttpClient;
import io.micronaut.json.JsonMapper;

import java.util.Map;

/**
 * What {@code fetch-url} and {@code api-call} share: the config check ({@link HttpStepConfig}) and one
 * {@link HttpCall} per version through the SSRF-guarded client. They differ in which options the config
 * may use ({@code apiOptions}: auth, requestTemplate, responseMapping).
 */
abstract class HttpStepType implements StepType {
    private final String name;
    private final boolean apiOptions;
    private final GuardedHttpClient client;
    private final JsonMapper json;
    private final Liquid liquid;

    HttpStepType(String name, boolean apiOptions, GuardedHttpClient client, JsonMapper json, Liquid liquid) {
        this.name = name;
        this.apiOptions = apiOptions;
        this.client = client;
        this.json = json;
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        return HttpStepConfig.normalize(config, stepName, label, apiOptions);
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        HttpCall call = new HttpCall(step.config(), client, json, liquid);
        return context -> StepOutput.of(call.call(context));
    }
}
