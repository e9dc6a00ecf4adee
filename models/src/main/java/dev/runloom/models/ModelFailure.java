package dev.runloom.models;

import com.fasterxml.jackson.core.JacksonException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.models.providers.MalformedAnswerException;
import dev.runloom.models.providers.ProviderHttpException;
import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What went wrong with one attempt, and so whether another is worth it: rate limits (429), server
 * errors (5xx), connection failures and timeouts are; rejections (other 4xx), malformed answers and
 * replies that are not the JSON asked for are not.
 */
public record ModelFailure(Kind kind, String message, @Nullable Duration retryAfter) {

    public enum Kind {
        RATE_LIMITED(true), SERVER_ERROR(true), CONNECTION(true), TIMEOUT(true),
        REJECTED(false), MALFORMED_ANSWER(false), INVALID_JSON(false), UNKNOWN_MODEL(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private static final int MAX_BODY_IN_MESSAGE = 300;

    public boolean retryable() {
        return kind.retryable();
    }

    public static ModelFailure classify(Throwable failure) {
        if (failure instanceof ProblemException p && "unknown_model".equals(p.problem().code())) {
            return new ModelFailure(Kind.UNKNOWN_MODEL, p.problem().detail(), null);
        }
        if (failure instanceof InvalidJsonAnswerException) {
            return new ModelFailure(Kind.INVALID_JSON, failure.getMessage(), null);
        }
        HttpException http = find(failure, HttpException.class);
        if (http != null) {
            int status = http.statusCode();
            Duration retryAfter = http instanceof ProviderHttpException p ? retryAfter(p).orElse(null) : null;
            String what = "the provider answered HTTP " + status + bodyExcerpt(http.getMessage());
            if (status == 429) {
                return new ModelFailure(Kind.RATE_LIMITED, what, retryAfter);
            }
            if (status >= 500 || status == 408) {
                return new ModelFailure(Kind.SERVER_ERROR, what, retryAfter);
            }
            return new ModelFailure(Kind.REJECTED, what, null);
        }
        if (find(failure, TimeoutException.class) != null || find(failure, HttpTimeoutException.class) != null
                && find(failure, HttpConnectTimeoutException.class) == null) {
            return new ModelFailure(Kind.TIMEOUT, "the provider did not answer in time (" + describe(failure) + ")", null);
        }
        if (find(failure, MalformedAnswerException.class) != null || find(failure, JacksonException.class) != null) {
            return new ModelFailure(Kind.MALFORMED_ANSWER, "the provider's answer is malformed: " + describe(failure), null);
        }
        if (find(failure, ConnectException.class) != null || find(failure, HttpConnectTimeoutException.class) != null
                || find(failure, UnresolvedAddressException.class) != null
                || find(failure, ClosedChannelException.class) != null || find(failure, IOException.class) != null) {
            return new ModelFailure(Kind.CONNECTION, "cannot reach the provider: " + describe(failure), null);
        }
        if (failure instanceof dev.langchain4j.exception.InternalServerException) {
            // raised by LangChain4j itself for a 2xx answer it cannot use ("no choices returned")
            return new ModelFailure(Kind.MALFORMED_ANSWER, "the provider's answer is malformed: " + describe(failure), null);
        }
        return new ModelFailure(Kind.MALFORMED_ANSWER, "the model call failed: " + describe(failure), null);
    }

    /** {@code retry-after-ms} (OpenAI), else {@code Retry-After} in seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(ProviderHttpException e) {
        Optional<String> millis = e.header("retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get().trim()))));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return e.header("retry-after").flatMap(ModelFailure::parseRetryAfter);
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            return Optional.of(Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(v) * 1000))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                long ms = ChronoUnit.MILLIS.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(Duration.ofMillis(Math.max(0, ms)));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static @Nullable <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 20; depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return null;
    }

    private static String bodyExcerpt(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > MAX_BODY_IN_MESSAGE ? oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "…" : oneLine);
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        String message = null;
        for (int depth = 0; t != null && depth < 20; depth++) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        String text = message != null ? message : failure.getClass().getSimpleName();
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > MAX_BODY_IN_MESSAGE ? text.substring(0, MAX_BODY_IN_MESSAGE) + "…" : text;
    }
}
