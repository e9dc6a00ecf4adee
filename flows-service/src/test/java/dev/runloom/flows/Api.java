package dev.runloom.flows;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls the service as the gateway would (signed internal token) and reads any answer as JSON. */
final class Api {
    static final Tenant ORG_A = new Tenant("org_a", "user_a", Set.of("*"));
    static final Tenant ORG_B = new Tenant("org_b", "user_b", Set.of("*"));

    private final HttpClient client;
    private final InternalTokens tokens;
    private final JsonMapper json;

    Api(HttpClient client, InternalTokens tokens, JsonMapper json) {
        this.client = client;
        this.tokens = tokens;
        this.json = json;
    }

    record Reply(int status, String contentType, String raw, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) body.get(key);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String key) {
            return (Map<String, Object>) body.get(key);
        }

        /** Asserts a problem response with the given status and code. */
        Reply problem(int expectedStatus, String expectedCode) {
            assertThat(status).as(raw).isEqualTo(expectedStatus);
            assertThat(contentType).as(raw).startsWith("application/problem+json");
            assertThat(body.get("code")).as(raw).isEqualTo(expectedCode);
            return this;
        }
    }

    Reply get(Tenant tenant, String uri) {
        return send(HttpRequest.GET(uri), tenant);
    }

    Reply post(Tenant tenant, String uri, Object body) {
        return send(HttpRequest.POST(uri, body).contentType(MediaType.APPLICATION_JSON_TYPE), tenant);
    }

    /** Sends a raw string body (malformed JSON …). */
    Reply postRaw(Tenant tenant, String uri, String body) {
        return send(HttpRequest.POST(uri, body).contentType(MediaType.APPLICATION_JSON_TYPE), tenant);
    }

    Reply send(MutableHttpRequest<?> request, Tenant tenantOrNull) {
        if (tenantOrNull != null) {
            request.header(InternalTokens.HEADER, tokens.sign(tenantOrNull));
        }
        try {
            HttpResponse<String> response = client.toBlocking().exchange(request, String.class);
            return reply(response, response.body());
        } catch (HttpClientResponseException e) {
            return reply(e.getResponse(), e.getResponse().getBody(String.class).orElse(""));
        }
    }

    private Reply reply(HttpResponse<?> response, String raw) {
        Map<String, Object> body = Map.of();
        if (raw != null && !raw.isBlank()) {
            try {
                body = json.readValue(raw, Argument.mapOf(String.class, Object.class));
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + raw, e);
            }
        }
        return new Reply(response.code(), response.getContentType().map(MediaType::toString).orElse(""),
                raw == null ? "" : raw, body);
    }
}
