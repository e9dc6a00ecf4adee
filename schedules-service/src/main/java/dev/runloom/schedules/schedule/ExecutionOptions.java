package dev.runloom.schedules.schedule;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.events.ScheduleRunRequestedV1.ExecutionOptionsV1;
import io.micronaut.core.annotation.Nullable;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A schedule's {@code executionOptions} (§2.7, §2.8): stored and returned as the client sent them;
 * the five that tune a run are checked here and travel on every run request
 * ({@link ExecutionOptionsV1}), where the target's service applies them. Other keys (the
 * reference's examples also show {@code retryOnFailure}) are kept but not acted on.
 */
public final class ExecutionOptions {
    static final int MAX_CHUNK_SIZE = 2_000; // records-service serves at most 2,000 records per page
    static final int MAX_RECORD_CONCURRENCY = 64;
    static final int MAX_PROGRESS_FLUSH_SIZE = 10_000;
    static final long MIN_TIMEOUT_MS = 1_000;
    static final long MAX_TIMEOUT_MS = 3_600_000;
    static final int MAX_RETRIES = 10;

    private ExecutionOptions() {
    }

    /** @throws ProblemException 400 naming the option when one of the five is not an integer in its range */
    static Map<String, Object> validate(Map<String, Object> options) {
        integer(options, "chunkSize", 1, MAX_CHUNK_SIZE);
        integer(options, "recordConcurrency", 1, MAX_RECORD_CONCURRENCY);
        integer(options, "progressFlushSize", 1, MAX_PROGRESS_FLUSH_SIZE);
        integer(options, "timeoutMs", MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
        integer(options, "maxRetries", 0, MAX_RETRIES);
        Object retry = options.get("retryOnFailure");
        if (retry != null && !(retry instanceof Boolean)) {
            throw ProblemException.validation("executionOptions.retryOnFailure must be true or false");
        }
        return options;
    }

    /** The run request's options; null when the schedule sets none of the five (the target's defaults apply). */
    public static @Nullable ExecutionOptionsV1 toEvent(Map<String, Object> options) {
        Long chunkSize = number(options.get("chunkSize"));
        Long recordConcurrency = number(options.get("recordConcurrency"));
        Long progressFlushSize = number(options.get("progressFlushSize"));
        Long timeoutMs = number(options.get("timeoutMs"));
        Long maxRetries = number(options.get("maxRetries"));
        if (chunkSize == null && recordConcurrency == null && progressFlushSize == null && timeoutMs == null
                && maxRetries == null) {
            return null;
        }
        return new ExecutionOptionsV1(toInt(chunkSize), toInt(recordConcurrency), toInt(progressFlushSize), timeoutMs,
                toInt(maxRetries));
    }

    private static void integer(Map<String, Object> options, String key, long min, long max) {
        Object value = options.get(key);
        if (value == null) {
            return;
        }
        Long number = number(value);
        if (number == null || number < min || number > max) {
            throw ProblemException.validation("executionOptions." + key + " must be an integer between " + min
                    + " and " + max);
        }
    }

    /** An integral JSON number as a long; null for anything else (a fraction, a string, too large). */
    private static @Nullable Long number(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number number) {
            try {
                return new BigDecimal(number.toString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static @Nullable Integer toInt(@Nullable Long value) {
        return value == null ? null : Math.toIntExact(value);
    }
}
