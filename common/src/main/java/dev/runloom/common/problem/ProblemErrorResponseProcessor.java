package dev.runloom.common.problem;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Turns every framework error (malformed JSON, unknown route, wrong method, conversion and
 * validation failures, unexpected exceptions) into a problem response. The framework's own
 * processor is {@code @Secondary}, so this one wins without {@code @Replaces}.
 */
@Singleton
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> baseResponse) {
        HttpStatus status = baseResponse.getStatus();
        int code = status.getCode();
        List<Problem.FieldError> fieldErrors = context.getErrors().stream()
                .map(e -> new Problem.FieldError(e.getPath().orElse(""), e.getMessage()))
                .toList();
        String detail = code >= 500
                ? "An unexpected error occurred; it has been logged"
                : fieldErrors.stream().map(e -> e.path().isEmpty() ? e.message() : e.path() + ": " + e.message())
                        .reduce((a, b) -> a + "; " + b).orElse(status.getReason());
        Problem problem = Problem.of(code, status.getReason(), codeFor(status, context), detail, code >= 500 || code == 429);
        if (code < 500 && fieldErrors.size() > 1) {
            problem = problem.withErrors(fieldErrors);
        }
        return baseResponse.contentType(Problem.MEDIA_TYPE).body(problem);
    }

    private static String codeFor(HttpStatus status, ErrorContext context) {
        return switch (status) {
            case BAD_REQUEST -> context.getRootCause()
                    .map(t -> t.getClass().getSimpleName().contains("Json") || t.getClass().getName().contains("serde")
                            ? "malformed_json" : "bad_request")
                    .orElse("bad_request");
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case REQUEST_ENTITY_TOO_LARGE -> "payload_too_large";
            case UNAUTHORIZED -> "unauthorized";
            case FORBIDDEN -> "forbidden";
            case UNPROCESSABLE_ENTITY -> "validation_failed";
            default -> status.getCode() >= 500 ? "internal_error" : "http_" + status.getCode();
        };
    }
}
