package dev.runloom.agents;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/** Calls the service as one tenant (or as nobody) and reads every answer, 2xx or not, as JSON. */
final class Api {
    private final HttpClient client;
    private final JsonMapper json;
    private final @Nullable InternalTokens tokens;
    private final @Nullable Tenant tenant;

    Api(HttpClient client, JsonMapper json, @Nullable InternalTokens tokens, @Nullable Tenant tenant) {
        this.client = client;
        this.json = json;
        this.tokens = tokens;
        this.tenant = tenant;
    }

    static Tenant tenant(String org) {
        return new Tenant(org, "user_" + org, Set.of("*"));
    }

    record Response(int status, @Nullable String contentType, String raw, JsonNode body) {
        String text(String field) {
            return body.get(field).getStringValue();
        }
    }

    Response get(String path) {
        return send(HttpRequest.GET(path));
    }

    Response post(String path, String rawJson) {
        return send(HttpRequest.POST(path, rawJson).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    private Response send(MutableHttpRequest<?> request) {
        if (tenant != null) {
            request.header(InternalTokens.HEADER, tokens.sign(tenant));
        }
        HttpResponse<?> response;
        String raw;
        try {
            HttpResponse<String> ok = client.toBlocking().exchange(request, String.class);
            response = ok;
            raw = ok.getBody().orElse("");
        } catch (HttpClientResponseException e) {
            response = e.getResponse();
            raw = e.getResponse().getBody(String.class).orElse("");
        }
        try {
            JsonNode body = raw.isEmpty() ? JsonNode.nullNode() : json.readValue(raw, JsonNode.class);
            return new Response(response.getStatus().getCode(),
                    response.getContentType().map(MediaType::toString).orElse(null), raw, body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + raw, e);
        }
    }
}
