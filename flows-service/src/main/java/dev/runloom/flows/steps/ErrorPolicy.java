package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the engine does when a step fails, from {@code config.errorHandling}:
 * {@code onError} {@code continue} (the default: the failure is recorded, the step's output variable
 * is null, the next step runs) or {@code fail} (hard-fail: the remaining steps are skipped);
 * {@code retries} (0–5) further tries of a step that is not a model call, {@code backoffMs} before the
 * first retry, doubling after each. Model steps ({@code prompt}) retry and fall back to
 * {@code fallbackModel} inside their own step, so the engine does not retry them again.
 */
public record ErrorPolicy(boolean hardFail, int retries, Duration backoff) {
    public static final String KEY = "errorHandling";
    public static final ErrorPolicy DEFAULT = new ErrorPolicy(false, 0, Duration.ofMillis(200));
    static final int MAX_RETRIES = 5;
    public static final long MAX_BACKOFF_MS = 30_000;
    private static final Set<String> ON_ERROR = Set.of("continue", "fail");
    private static final Set<String> KEYS = Set.of("onError", "retries", "retryCount", "backoffMs", "fallbackModel");

    /** The policy of a stored (normalized) config. */
    public static ErrorPolicy of(Map<String, Object> config) {
        if (!(config.get(KEY) instanceof Map<?, ?> handling)) {
            return DEFAULT;
        }
        boolean hardFail = "fail".equals(handling.get("onError"));
        int retries = handling.get("retries") instanceof Number n ? n.intValue() : 0;
        long backoffMs = handling.get("backoffMs") instanceof Number n ? n.longValue() : DEFAULT.backoff.toMillis();
        return new ErrorPolicy(hardFail, retries, Duration.ofMillis(backoffMs));
    }

    /**
     * Checks {@code config.errorHandling} and returns the config with it normalized ({@code retryCount}
     * accepted as a synonym of {@code retries}). @throws ProblemException a 400 naming the step and field
     */
    public static Map<String, Object> normalize(Map<String, Object> config, String label) {
        Object value = config.get(KEY);
        if (value == null) {
            return config;
        }
        if (!(value instanceof Map<?, ?> raw)) {
            throw ProblemException.validation(label + ": config.errorHandling must be an object");
        }
        for (Object key : raw.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw ProblemException.validation(label + ": config.errorHandling." + key + " is not a known option (one of "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        Map<String, Object> handling = new LinkedHashMap<>();
        Object onError = raw.get("onError");
        if (onError != null && !ON_ERROR.contains(String.valueOf(onError))) {
            throw ProblemException.validation(label + ": config.errorHandling.onError must be continue or fail");
        }
        handling.put("onError", onError == null ? "continue" : onError);
        Object retries = raw.get("retries") != null ? raw.get("retries") : raw.get("retryCount");
        if (retries != null) {
            handling.put("retries", wholeNumber(retries, 0, MAX_RETRIES, label, "config.errorHandling.retries"));
        }
        Object backoff = raw.get("backoffMs");
        if (backoff != null) {
            handling.put("backoffMs", wholeNumber(backoff, 0, MAX_BACKOFF_MS, label, "config.errorHandling.backoffMs"));
        }
        Object fallback = raw.get("fallbackModel");
        if (fallback != null) {
            if (!(fallback instanceof String s) || s.isBlank()) {
                throw ProblemException.validation(label + ": config.errorHandling.fallbackModel must be a non-empty string");
            }
            handling.put("fallbackModel", ((String) fallback).trim());
        }
        Map<String, Object> normalized = new LinkedHashMap<>(config);
        normalized.put(KEY, handling);
        return normalized;
    }

    private static long wholeNumber(Object value, long min, long max, String label, String field) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < min
                || n.longValue() > max) {
            throw ProblemException.validation(label + ": " + field + " must be a whole number from " + min + " to " + max);
        }
        return n.longValue();
    }
}
