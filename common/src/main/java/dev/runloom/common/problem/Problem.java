package dev.runloom.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * RFC 9457 problem details with two extensions every client can rely on: a stable machine
 * {@code code} and a {@code retryable} flag. {@code error} mirrors {@code detail} for clients written
 * against the vendor's {@code { error, code }} shape.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type,
                      String title,
                      int status,
                      @Nullable String detail,
                      String code,
                      boolean retryable,
                      @Nullable String error,
                      @Nullable List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String code, @Nullable String detail, boolean retryable) {
        return new Problem("https://runloom.dev/problems/" + code, title, status, detail, code, retryable, detail, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, code, retryable, error, fieldErrors);
    }

    @Serdeable
    public record FieldError(String path, String message) {
    }
}
