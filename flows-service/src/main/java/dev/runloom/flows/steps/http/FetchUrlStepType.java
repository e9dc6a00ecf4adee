package dev.runloom.flows.steps.http;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.outbound.GuardedHttpClient;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

/**
 * {@code fetch-url}: fetches {@code http.url} (Liquid-rendered; {@code method}, {@code headers},
 * {@code body} optional) through the SSRF-guarded client; the output is the body, parsed as JSON when
 * {@code responseType} is json (or auto and the server says JSON), the text otherwise.
 */
@Singleton
public class FetchUrlStepType extends HttpStepType {
    public static final String NAME = "fetch-url";

    public FetchUrlStepType(GuardedHttpClient client, JsonMapper json, Liquid liquid) {
        super(NAME, false, client, json, liquid);
    }
}
