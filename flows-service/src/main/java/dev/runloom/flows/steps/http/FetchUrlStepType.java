package dev.runloom.flows.steps.http;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepOutput;
import dev.runloom.flows.steps.StepType;
import dev.runloom.outbound.GuardedHttpClient;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * {@code fetch-url}: fetches {@code http.url} (Liquid-rendered; {@code method}, {@code headers},
 * {@code body} optional) through the SSRF-guarded client; the output is the body, parsed as JSON when
 * {@code responseType} is json (or auto and the server says JSON), the text otherwise.
 */
@Singleton
public class FetchUrlStepType implements StepType {
    public static final String NAME = "fetch-url";

    private final GuardedHttpClient client;
    private final JsonMapper json;
    private final Liquid liquid;

    public FetchUrlStepType(GuardedHttpClient client, JsonMapper json, Liquid liquid) {
        this.client = client;
        this.json = json;
        this.liquid = liquid;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean callsModel() {
        return false;
    }

    @Override
    public Map<String, Object> normalize(Map<String, Object> config, String stepName, String label) {
        return HttpStepConfig.normalize(config, stepName, label, false);
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        HttpCall call = new HttpCall(step.config(), client, json, liquid);
        return context -> StepOutput.of(call.call(context));
    }
}
