package dev.runloom.flows.steps.http;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.outbound.GuardedHttpClient;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

/**
 * {@code api-call}: a structured API request — {@code http} as for {@code fetch-url}, plus {@code auth}
 * ({@code bearer} token, {@code basic} username/password, {@code api-key} value in {@code headerName},
 * default {@code X-API-Key}), {@code requestTemplate} (a Liquid body that replaces {@code http.body}) and
 * {@code responseMapping} (a path such as {@code data.items[0]}, or an object of names to paths) that
 * picks the output out of the JSON answer. Same SSRF guard, size cap and timeouts.
 */
@Singleton
public class ApiCallStepType extends HttpStepType {
    public static final String NAME = "api-call";

    public ApiCallStepType(GuardedHttpClient client, JsonMapper json, Liquid liquid) {
        super(NAME, true, client, json, liquid);
    }
}
