package dev.runloom.flows.steps.http;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.flows.steps.StepConfig;
import dev.runloom.flows.steps.ValuePath;
import dev.runloom.outbound.GuardedHttpClient;
import dev.runloom.outbound.OutboundRefusedException;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Save-time checks of the config shared by {@code fetch-url} and {@code api-call}: {@code http}
 * ({@code url}, {@code method}, {@code headers}, {@code body}), {@code auth}, {@code requestTemplate},
 * {@code responseType}, {@code responseMapping}, {@code timeoutMs}. A URL without Liquid tags is checked
 * here (scheme, host); a templated one when it is rendered, and every URL's addresses by the outbound
 * guard when it is called.
 */
final class HttpStepConfig {
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    static final Set<String> RESPONSE_TYPES = Set.of("auto", "json", "text");
    static final Set<String> AUTH_TYPES = Set.of("none", "bearer", "basic", "api-key");
    static final int MAX_URL_LENGTH = 4096;
    static final long MAX_TIMEOUT_MS = 120_000;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "upgrade", "te", "trailer", "expect", "keep-alive", "proxy-connection");

    private HttpStepConfig() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> normalize(Map<String, Object> config, String stepName, String label, boolean apiCall) {
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        Object httpValue = config.get("http");
        if (httpValue == null && config.get("url") instanceof String url) {
            httpValue = Map.of("url", url); // a bare config.url is accepted as http.url
            normalized.remove("url");
        }
        if (!(httpValue instanceof Map<?, ?> rawHttp)) {
            throw ProblemException.validation(label + ": config.http is required and must be an object with a url");
        }
        Map<String, Object> http = new LinkedHashMap<>((Map<String, Object>) rawHttp);
        Object urlValue = http.get("url");
        if (!(urlValue instanceof String url) || url.isBlank()) {
            throw ProblemException.validation(label + ": config.http.url is required and must be a non-empty string");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw ProblemException.validation(label + ": config.http.url is longer than " + MAX_URL_LENGTH + " characters");
        }
        if (!url.contains("{{") && !url.contains("{%")) {
            checkUrl(url.strip(), label);
        }
        http.put("url", url.strip());
        Object method = http.get("method");
        if (method != null && (!(method instanceof String m) || !METHODS.contains(m.trim().toUpperCase(Locale.ROOT)))) {
            throw ProblemException.validation(label + ": config.http.method must be one of "
                    + String.join(", ", METHODS.stream().sorted().toList()));
        }
        http.put("method", method == null ? "GET" : ((String) method).trim().toUpperCase(Locale.ROOT));
        Object headers = http.get("headers");
        if (headers != null) {
            if (!(headers instanceof Map<?, ?> map)) {
                throw ProblemException.validation(label + ": config.http.headers must be an object of header names to strings");
            }
            for (Map.Entry<?, ?> header : map.entrySet()) {
                String name = String.valueOf(header.getKey());
                if (!HEADER_NAME.matcher(name).matches() || RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw ProblemException.validation(label + ": config.http.headers." + name + " is not a header a step may set");
                }
                if (!(header.getValue() instanceof String)) {
                    throw ProblemException.validation(label + ": config.http.headers." + name + " must be a string");
                }
            }
        }
        Object body = http.get("body");
        if (body != null && !(body instanceof String || body instanceof Map || body instanceof java.util.List)) {
            throw ProblemException.validation(label + ": config.http.body must be a string or a JSON object or array");
        }
        normalized.put("http", http);

        String responseType = StepConfig.optionalString(config, "responseType", label);
        if (responseType != null && !RESPONSE_TYPES.contains(responseType)) {
            throw ProblemException.validation(label + ": config.responseType must be auto, json or text");
        }
        normalized.put("responseType", responseType == null ? "auto" : responseType);
        Number timeout = StepConfig.optionalNumber(config, "timeoutMs", label);
        if (timeout != null && (timeout.longValue() < 1 || timeout.longValue() > MAX_TIMEOUT_MS)) {
            throw ProblemException.validation(label + ": config.timeoutMs must be from 1 to " + MAX_TIMEOUT_MS);
        }
        checkAuth(config.get("auth"), label);
        if (apiCall) {
            StepConfig.optionalString(config, "requestTemplate", label);
            checkResponseMapping(config.get("responseMapping"), label);
        }
        normalized.put(StepConfig.OUTPUT_VARIABLE, StepConfig.outputVariable(config, stepName, label));
        return normalized;
    }

    static void checkUrl(String url, String label) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw ProblemException.validation(label + ": config.http.url is not a valid URL: " + url);
        }
        try {
            GuardedHttpClient.checkUrlShape(uri);
        } catch (OutboundRefusedException e) {
            throw ProblemException.validation(label + ": config.http.url: " + e.getMessage());
        }
    }

    private static void checkAuth(Object auth, String label) {
        if (auth == null) {
            return;
        }
        if (!(auth instanceof Map<?, ?> map)) {
            throw ProblemException.validation(label + ": config.auth must be an object");
        }
        Object type = map.get("type");
        if (!(type instanceof String t) || !AUTH_TYPES.contains(t)) {
            throw ProblemException.validation(label + ": config.auth.type must be one of none, bearer, basic, api-key");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String)) {
                throw ProblemException.validation(label + ": config.auth." + entry.getKey() + " must be a string");
            }
        }
        switch (t) {
            case "bearer" -> requireAuthField(map, "token", label);
            case "basic" -> {
                requireAuthField(map, "username", label);
                requireAuthField(map, "password", label);
            }
            case "api-key" -> requireAuthField(map, "value", label);
            default -> {
            }
        }
        if (map.get("headerName") instanceof String h && !HEADER_NAME.matcher(h).matches()) {
            throw ProblemException.validation(label + ": config.auth.headerName is not a valid header name");
        }
    }

    private static void requireAuthField(Map<?, ?> auth, String field, String label) {
        if (!(auth.get(field) instanceof String s) || s.isEmpty()) {
            throw ProblemException.validation(label + ": config.auth." + field + " is required for this auth type");
        }
    }

    private static void checkResponseMapping(Object mapping, String label) {
        if (mapping == null) {
            return;
        }
        if (mapping instanceof String path) {
            if (!ValuePath.isValid(path)) {
                throw ProblemException.validation(label + ": config.responseMapping '" + path + "' is not a path like data.items[0].name");
            }
            return;
        }
        if (!(mapping instanceof Map<?, ?> map)) {
            throw ProblemException.validation(label + ": config.responseMapping must be a path or an object of names to paths");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String path) || !ValuePath.isValid(path)) {
                throw ProblemException.validation(label + ": config.responseMapping." + entry.getKey()
                        + " must be a path like data.items[0].name");
            }
        }
    }
}
