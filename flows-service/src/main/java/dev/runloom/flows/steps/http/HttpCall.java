package dev.runloom.flows.steps.http;

import dev.runloom.flows.steps.Liquid;
import dev.runloom.flows.steps.TemplatedValue;
import dev.runloom.flows.steps.ValuePath;
import dev.runloom.outbound.GuardedHttpClient;
import dev.runloom.outbound.OutboundRequest;
import dev.runloom.outbound.OutboundResponse;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP step's request, with its templates parsed once: renders URL, headers, auth and body for an
 * execution, sends it through the {@link GuardedHttpClient} (SSRF guard, size cap, timeouts), and
 * turns the answer into the step's output — parsed JSON or text, mapped by {@code responseMapping}
 * for {@code api-call}. A non-2xx status fails the step with the status and the start of the body.
 */
final class HttpCall {
    private static final int ERROR_BODY_CHARS = 300;

    private final GuardedHttpClient client;
    private final JsonMapper json;
    private final Liquid liquid;
    private final Liquid.ParsedTemplate url;
    private final String method;
    private final Map<String, Liquid.ParsedTemplate> headers = new LinkedHashMap<>();
    private final Map<String, Liquid.ParsedTemplate> auth = new LinkedHashMap<>();
    private final @Nullable String authType;
    private final @Nullable TemplatedValue body;
    private final @Nullable Liquid.ParsedTemplate requestTemplate;
    private final String responseType;
    private final @Nullable Object responseMapping;
    private final @Nullable Duration timeout;

    @SuppressWarnings("unchecked")
    HttpCall(Map<String, Object> config, GuardedHttpClient client, JsonMapper json, Liquid liquid) {
        this.client = client;
        this.json = json;
        this.liquid = liquid;
        Map<String, Object> http = (Map<String, Object>) config.get("http");
        this.url = liquid.parse((String) http.get("url"));
        this.method = (String) http.getOrDefault("method", "GET");
        if (http.get("headers") instanceof Map<?, ?> given) {
            given.forEach((name, value) -> headers.put(String.valueOf(name), liquid.parse(String.valueOf(value))));
        }
        if (config.get("auth") instanceof Map<?, ?> given) {
            given.forEach((name, value) -> auth.put(String.valueOf(name), liquid.parse(String.valueOf(value))));
            this.authType = String.valueOf(given.get("type"));
        } else {
            this.authType = null;
        }
        this.body = http.get("body") == null ? null : TemplatedValue.parse(liquid, http.get("body"));
        this.requestTemplate = config.get("requestTemplate") instanceof String t && !t.isBlank() ? liquid.parse(t) : null;
        this.responseType = (String) config.getOrDefault("responseType", "auto");
        this.responseMapping = config.get("responseMapping");
        this.timeout = config.get("timeoutMs") instanceof Number n ? Duration.ofMillis(n.longValue()) : null;
    }

    /** The rendered request; the URL's query is left out of anything shown. */
    @Nullable Object call(Map<String, Object> context) {
        String renderedUrl = liquid.render(url, context).strip();
        URI uri;
        try {
            uri = new URI(renderedUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("config.http.url rendered to an invalid URL: " + e.getMessage());
        }
        Map<String, String> requestHeaders = new LinkedHashMap<>();
        headers.forEach((name, template) -> requestHeaders.put(name, liquid.render(template, context)));
        addAuth(requestHeaders, context);
        byte[] requestBody = body(requestHeaders, context);
        OutboundResponse response = client.send(new OutboundRequest(method, uri, requestHeaders, requestBody), timeout);
        if (!response.successful()) {
            String text = response.bodyText();
            throw new IllegalStateException("HTTP " + response.status() + " from " + uri.getScheme() + "://" + uri.getHost()
                    + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + uri.getRawPath()
                    + (text.isBlank() ? "" : ": " + (text.length() > ERROR_BODY_CHARS ? text.substring(0, ERROR_BODY_CHARS) : text)));
        }
        Object parsed = parse(response);
        return responseMapping == null ? parsed : map(parsed);
    }

    private void addAuth(Map<String, String> requestHeaders, Map<String, Object> context) {
        if (authType == null) {
            return;
        }
        switch (authType) {
            case "bearer" -> requestHeaders.put("Authorization", "Bearer " + render("token", context));
            case "basic" -> requestHeaders.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (render("username", context) + ":" + render("password", context)).getBytes(StandardCharsets.UTF_8)));
            case "api-key" -> requestHeaders.put(auth.containsKey("headerName") ? render("headerName", context) : "X-API-Key",
                    render("value", context));
            default -> {
            }
        }
    }

    private String render(String field, Map<String, Object> context) {
        return liquid.render(auth.get(field), context);
    }

    private byte @Nullable [] body(Map<String, String> requestHeaders, Map<String, Object> context) {
        Object rendered;
        if (requestTemplate != null) {
            rendered = liquid.render(requestTemplate, context);
        } else if (body != null) {
            rendered = body.render(context);
        } else {
            return null;
        }
        boolean hasType = requestHeaders.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("content-type"));
        if (rendered instanceof String text) {
            if (!hasType) {
                requestHeaders.put("Content-Type", looksLikeJson(text) ? "application/json" : "text/plain; charset=utf-8");
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (!hasType) {
            requestHeaders.put("Content-Type", "application/json");
        }
        try {
            return json.writeValueAsBytes(rendered);
        } catch (IOException e) {
            throw new IllegalArgumentException("config.http.body could not be written as JSON: " + e.getMessage());
        }
    }

    private boolean looksLikeJson(String text) {
        String t = text.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return false;
        }
        try {
            json.readValue(t, Object.class);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private @Nullable Object parse(OutboundResponse response) {
        String contentType = response.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        boolean asJson = responseType.equals("json") || (responseType.equals("auto") && contentType.contains("json"));
        String text = response.bodyText();
        if (!asJson) {
            return text;
        }
        if (text.isBlank()) {
            return null;
        }
        try {
            return json.readValue(text, Object.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the response is not valid JSON: " + e.getMessage());
        }
    }

    private @Nullable Object map(@Nullable Object parsed) {
        if (responseMapping instanceof String path) {
            return ValuePath.read(parsed, path);
        }
        Map<String, Object> mapped = new LinkedHashMap<>();
        ((Map<?, ?>) responseMapping).forEach((name, path) -> mapped.put(String.valueOf(name), ValuePath.read(parsed, (String) path)));
        return mapped;
    }

}
