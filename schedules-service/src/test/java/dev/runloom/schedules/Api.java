package dev.runloom.schedules;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP helpers for the test classes: every reply as status + content type + parsed JSON, never an exception. */
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
        List<Map<String, Object>> data() {
            return (List<Map<String, Object>>) body.get("data");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> pagination() {
            return (Map<String, Object>) body.get("pagination");
        }

        String string(String key) {
            return (String) body.get(key);
        }

        Reply assertStatus(int expected) {
            assertThat(status).as("status of %s", raw).isEqualTo(expected);
            return this;
        }

        /** An RFC 9457 problem with this status and code, and no stack trace. */
        Reply assertProblem(int expectedStatus, String expectedCode) {
            assertThat(status).as("status of %s", raw).isEqualTo(expectedStatus);
            assertThat(contentType).as("content type of %s", raw).startsWith("application/problem+json");
            assertThat(body.get("code")).as("code of %s", raw).isEqualTo(expectedCode);
            assertThat(raw).doesNotContain("Exception").doesNotContain("at dev.runloom").doesNotContain("at io.micronaut");
            return this;
        }
    }

    Reply get(String uri, Tenant tenant) {
        return send(sign(HttpRequest.GET(uri), tenant));
    }

    Reply post(String uri, String jsonBody, Tenant tenant) {
        return send(sign(HttpRequest.POST(uri, jsonBody).contentType(MediaType.APPLICATION_JSON_TYPE), tenant));
    }

    Reply post(String uri, Object body, Tenant tenant) {
        return post(uri, toJson(body), tenant);
    }

    Reply send(MutableHttpRequest<?> request) {
        try {
            HttpResponse<String> response = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
            return reply(response.code(), response.getContentType().map(MediaType::toString).orElse(""),
                    response.getBody().orElse(""));
        } catch (HttpClientResponseException e) {
            return reply(e.code(), e.getResponse().getContentType().map(MediaType::toString).orElse(""),
                    e.getResponse().getBody(String.class).orElse(""));
        }
    }

    MutableHttpRequest<?> sign(MutableHttpRequest<?> request, Tenant tenant) {
        return request.header(InternalTokens.HEADER, tokens.sign(tenant));
    }

    String toJson(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Reply reply(int status, String contentType, String raw) {
        try {
            Map<String, Object> body = raw.isBlank() ? Map.of() : json.readValue(raw, Map.class);
            return new Reply(status, contentType, raw, body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (" + status + "): " + raw, e);
        }
    }
}
