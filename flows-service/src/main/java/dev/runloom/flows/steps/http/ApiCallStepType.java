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
 * {@code api-call}: a structured API request — {@code http} as for {@code fetch-url}, plus {@code auth}
 * ({@code bearer} token, {@code basic} username/password, {@code api-key} value in {@code headerName},
 * default {@code X-API-Key}), {@code requestTemplate} (a Liquid body that replaces {@code http.body}) and
 * {@code responseMapping} (a path such as {@code data.items[0]}, or an object of names to paths) that
 * picks the output out of the JSON answer. Same SSRF guard, size cap and timeouts.
 */
@Singleton
public class ApiCallStepType implements StepType {
    public static final String NAME = "api-call";

    private final GuardedHttpClient client;
    private final JsonMapper json;
    private final Liquid liquid;

    public ApiCallStepType(GuardedHttpClient client, JsonMapper json, Liquid liquid) {
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
        return HttpStepConfig.normalize(config, stepName, label, true);
    }

    @Override
    public PreparedStep prepare(StepDefinition step) {
        HttpCall call = new HttpCall(step.config(), client, json, liquid);
        return context -> StepOutput.of(call.call(context));
    }
}
