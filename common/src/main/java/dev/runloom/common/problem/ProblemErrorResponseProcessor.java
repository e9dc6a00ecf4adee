package dev.runloom.common.problem;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns every framework error (malformed JSON, unknown route, wrong method, conversion and
 * validation failures, unexpected exceptions) into a problem response. The framework's own
 * processor is {@code @Secondary}, so this one wins without {@code @Replaces}.
 */
@Singleton
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {
    /** Parser messages end with the position in the source; clients need the sentence, not that. */
    private static final Pattern PARSER_LOCATION = Pattern.compile("\\s*(\\n|at \\[Source:).*$", Pattern.DOTALL);
    /** Jackson also names where an unclosed object or array began, inside the sentence: keep it, readably. */
    private static final Pattern START_MARKER = Pattern.compile(
            "\\(start marker at \\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]\\)");

    /**
     * PostgreSQL refuses text it cannot store — a NUL character (JSON "\\u0000", URL "%00") is valid
     * JSON and a valid URL but never valid {@code text} (SQLSTATE 22021), nor is a character the
     * database encoding lacks (22P05). That is the client's input, wherever it reached the database.
     */
    private static final java.util.Set<String> UNSTORABLE_TEXT = java.util.Set.of("22021", "22P05");

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> baseResponse) {
        Throwable cause = context.getRootCause().orElse(null);
        if (baseResponse.getStatus().getCode() >= 500 && unstorableText(cause)) {
            Problem problem = Problem.of(400, HttpStatus.BAD_REQUEST.getReason(), "invalid_text",
                    "A value contains a character that cannot be stored (such as NUL, \\u0000)", false);
            return baseResponse.status(HttpStatus.BAD_REQUEST).contentType(Problem.MEDIA_TYPE).body(problem);
        }
        HttpStatus status = baseResponse.getStatus();
        int code = status.getCode();
        List<Problem.FieldError> fieldErrors = fieldErrors(context, cause);
        String detail = code >= 500
                ? "An unexpected error occurred; it has been logged"
                : fieldErrors.stream().map(e -> e.path().isEmpty() ? e.message() : e.path() + ": " + e.message())
                        .reduce((a, b) -> a + "; " + b).orElse(status.getReason());
        Problem problem = Problem.of(code, status.getReason(), codeFor(status, cause), detail, code >= 500 || code == 429 || code == 503);
        if (code < 500 && !fieldErrors.isEmpty() && cause instanceof ConstraintViolationException) {
            problem = problem.withErrors(fieldErrors);
        }
        return baseResponse.contentType(Problem.MEDIA_TYPE).body(problem);
    }

    private static boolean unstorableText(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && UNSTORABLE_TEXT.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static List<Problem.FieldError> fieldErrors(ErrorContext context, Throwable cause) {
        if (cause instanceof ConstraintViolationException violations) {
            return violations.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(bodyPath(v.getPropertyPath().toString()), v.getMessage()))
                    .sorted((a, b) -> a.path().compareTo(b.path()))
                    .toList();
        }
        return context.getErrors().stream()
                .map(e -> new Problem.FieldError(
                        // "Failed to convert argument [body] …": the path is the controller's parameter, not a field
                        e.getMessage() != null && CONVERSION_PREFIX.matcher(e.getMessage()).lookingAt() ? "" : e.getPath().orElse(""),
                        clean(e.getMessage())))
                .toList();
    }

    /** "create.request.name" → "name": the method and parameter names mean nothing to a client. */
    private static String bodyPath(String propertyPath) {
        String[] parts = propertyPath.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : propertyPath;
    }

    private static String clean(String message) {
        if (message == null) {
            return "";
        }
        String withStart = START_MARKER.matcher(message).replaceAll("(opened at line $1, column $2)");
        String sentence = PARSER_LOCATION.matcher(withStart).replaceAll("").replace("REDACTED", "").trim();
        sentence = CONVERSION_PREFIX.matcher(sentence).replaceFirst("");
        // a client never needs to know the Java types or parser features behind its request
        sentence = JAVA_TYPE.matcher(sentence).replaceAll("value");
        return FEATURE_HINT.matcher(sentence).replaceAll("").trim();
    }

    /** Micronaut's wrapper around a body conversion failure: names the controller parameter, not the field. */
    private static final Pattern CONVERSION_PREFIX = Pattern.compile(
            "Failed to convert argument \\[[^\\]]*\\] for value \\[[^\\]]*\\](?: due to:)?\\s*");
    /** "[class dev.runloom.x.Y]", "java.lang.String", "Y$Z": fully qualified Java names. */
    private static final Pattern JAVA_TYPE = Pattern.compile(
            "\\[?(?:class |interface |enum |record )?(?:[a-z_][\\w$]*\\.){2,}[A-Za-z_][\\w$]*\\]?");
    /** Jackson's advice "(to accept, enable `JsonReadFeature.X`)" and similar. */
    private static final Pattern FEATURE_HINT = Pattern.compile("\\s*\\([^()]*(?:Feature|feature)[^()]*\\)");

    /** Syntax errors (the body is not JSON at all) versus JSON of the wrong shape or types. */
    private static String bodyFailureCode(Throwable cause) {
        boolean bodyProblem = false;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.endsWith("JsonParseException") || name.endsWith("JsonEOFException") || name.endsWith("JsonSyntaxException")) {
                return "malformed_json";
            }
            bodyProblem |= name.contains("Json") || name.contains("serde") || name.contains("jackson");
            if (t.getCause() == t) {
                break;
            }
        }
        return bodyProblem ? "invalid_body" : "bad_request";
    }

    private static String codeFor(HttpStatus status, Throwable cause) {
        return switch (status) {
            case BAD_REQUEST -> cause instanceof ConstraintViolationException ? "validation_failed" : bodyFailureCode(cause);
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
