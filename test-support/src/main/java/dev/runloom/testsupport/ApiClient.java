package dev.runloom.testsupport;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls a service under test over HTTP as the gateway would: each request carries the caller's
 * credentials in one header, minted afresh per request (internal tokens are short-lived). Every
 * answer, 2xx or not, comes back as a {@link Reply}; nothing is thrown for 4xx or 5xx.
 *
 * <pre>{@code
 * @Inject @Client("/") HttpClient client;
 * @Inject JsonMapper json;
 * @Inject InternalTokens tokens;
 * ApiClient<Tenant> api;
 *
 * @BeforeAll void setUp() { api = new ApiClient<>(client, json, InternalTokens.HEADER, tokens::sign); }
 *
 * api.get("/v1/records/x", ORG_A).assertStatus(200);
 * api.get("/v1/records/x", null).assertProblem(401, "unauthorized"); // null: no credentials
 * }</pre>
 *
 * @param <C> who calls, e.g. a tenant
 */
public final class ApiClient<C> {
    private final HttpClient client;
    private final JsonMapper json;
    private final String credentialsHeader;
    private final Function<? super C, String> credentials;

    /**
     * @param credentialsHeader the header that carries a caller's credentials
     * @param credentials       mints the header's value for a caller, once per request
     */
    public ApiClient(HttpClient client, JsonMapper json, String credentialsHeader, Function<? super C, String> credentials) {
        this.client = client;
        this.json = json;
        this.credentialsHeader = credentialsHeader;
        this.credentials = credentials;
    }

    public Reply get(String uri, @Nullable C caller) {
        return send(HttpRequest.GET(uri), caller);
    }

    /** POSTs JSON: a {@code String} body is sent as it is (malformed JSON included), anything else serialized. */
    public Reply post(String uri, Object body, @Nullable C caller) {
        String text = body instanceof String s ? s : toJson(body);
        return send(HttpRequest.POST(uri, text).contentType(MediaType.APPLICATION_JSON_TYPE), caller);
    }

    /** Sends the request with the caller's credentials, or without any when the caller is null. */
    public Reply send(MutableHttpRequest<?> request, @Nullable C caller) {
        if (caller != null) {
            request.header(credentialsHeader, credentials.apply(caller));
        }
        return send(request);
    }

    /** Sends the request exactly as it is built (to test missing or forged credentials). */
    public Reply send(HttpRequest<?> request) {
        try {
            HttpResponse<String> response = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
            return reply(response, response.getBody().orElse(""));
        } catch (HttpClientResponseException e) {
            return reply(e.getResponse(), e.getResponse().getBody(String.class).orElse(""));
        }
    }

    public String toJson(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply reply(HttpResponse<?> response, String raw) {
        return new Reply(response.code(), response.getContentType().map(MediaType::toString).orElse(""), raw, json);
    }

    /**
     * Status, content type and body of an answer. The body must be empty or a JSON object (else
     * constructing the reply fails the test); it is offered as a map and as a JSON tree.
     */
    public static final class Reply {
        private final int status;
        private final String contentType;
        private final String raw;
        private final Map<String, Object> body;
        private final JsonNode tree;

        public Reply(int status, String contentType, String raw, JsonMapper json) {
            this.status = status;
            this.contentType = contentType;
            this.raw = raw;
            try {
                this.tree = raw.isBlank() ? JsonNode.nullNode() : json.readValue(raw, JsonNode.class);
                this.body = raw.isBlank() ? Map.of() : json.readValue(raw, Argument.mapOf(String.class, Object.class));
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("answer " + status + " is not a JSON object: " + raw, e);
            }
        }

        public int status() {
            return status;
        }

        /** The Content-Type header, "" when there is none. */
        public String contentType() {
            return contentType;
        }

        public String raw() {
            return raw;
        }

        /** The JSON object, {@code {}} for an empty body. */
        public Map<String, Object> body() {
            return body;
        }

        /** The same JSON as a tree, a null node for an empty body. */
        public JsonNode tree() {
            return tree;
        }

        public String string(String key) {
            return (String) body.get(key);
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> map(String key) {
            return (Map<String, Object>) body.get(key);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) body.get(key);
        }

        /** The {@code data} array of a list envelope. */
        public List<Map<String, Object>> data() {
            return list("data");
        }

        /** The {@code pagination} object of a list envelope. */
        public Map<String, Object> pagination() {
            return map("pagination");
        }

        public Reply assertStatus(int expected) {
            assertThat(status).as("status of %s", raw).isEqualTo(expected);
            return this;
        }

        /** An RFC 9457 problem with this status and code. */
        public Reply assertProblem(int expectedStatus, String expectedCode) {
            assertProblem(expectedStatus);
            assertThat(body.get("code")).as("code of %s", raw).isEqualTo(expectedCode);
            return this;
        }

        /**
         * An RFC 9457 problem with this status and some code: problem+json, {@code status} repeated in
         * the body, a non-blank {@code code}, and no stack trace or exception name leaked.
         */
        public Reply assertProblem(int expectedStatus) {
            assertStatus(expectedStatus);
            assertThat(contentType).as("content type of %s", raw).startsWith("application/problem+json");
            assertThat(body.get("status")).as("status in %s", raw).isEqualTo(expectedStatus);
            assertThat(body.get("code")).as("code of %s", raw).isInstanceOf(String.class);
            assertThat(string("code")).as("code of %s", raw).isNotBlank();
            assertThat(raw).doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("at dev.runloom").doesNotContain("at io.micronaut");
            return this;
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + raw;
        }
    }
}
