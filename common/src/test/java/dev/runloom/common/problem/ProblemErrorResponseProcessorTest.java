package dev.runloom.common.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.serde.exceptions.SerdeException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ProblemErrorResponseProcessor} in isolation: status → code mapping, retryable, detail cleaning. */
class ProblemErrorResponseProcessorTest {
    private final ProblemErrorResponseProcessor processor = new ProblemErrorResponseProcessor();

    private Problem process(HttpStatus status, ErrorContext context) {
        MutableHttpResponse<Problem> response = processor.processResponse(context, HttpResponse.status(status));
        assertThat(response.getStatus().getCode()).isEqualTo(status.getCode());
        assertThat(response.getContentType()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo(Problem.MEDIA_TYPE));
        return response.getBody().orElseThrow();
    }

    private Problem process(HttpStatus status, Throwable cause) {
        ErrorContext.Builder builder = ErrorContext.builder(HttpRequest.GET("/x"));
        if (cause != null) {
            builder.cause(cause);
        }
        return process(status, builder.build());
    }

    private static Error error(String path, String message) {
        return new Error() {
            @Override
            public Optional<String> getPath() {
                return Optional.ofNullable(path);
            }

            @Override
            public String getMessage() {
                return message;
            }
        };
    }

    @Test
    void statusesMapToStableCodes() {
        Map<HttpStatus, String> expected = Map.of(
                HttpStatus.NOT_FOUND, "not_found",
                HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                HttpStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                HttpStatus.UNAUTHORIZED, "unauthorized",
                HttpStatus.FORBIDDEN, "forbidden",
                HttpStatus.UNPROCESSABLE_ENTITY, "validation_failed",
                HttpStatus.I_AM_A_TEAPOT, "http_418",
                HttpStatus.SERVICE_UNAVAILABLE, "internal_error",
                HttpStatus.BAD_GATEWAY, "internal_error");
        expected.forEach((status, code) -> {
            Problem problem = process(status, (Throwable) null);
            assertThat(problem.code()).as(status.name()).isEqualTo(code);
            assertThat(problem.status()).as(status.name()).isEqualTo(status.getCode());
            assertThat(problem.type()).as(status.name()).isEqualTo("https://runloom.dev/problems/" + code);
            assertThat(problem.title()).as(status.name()).isEqualTo(status.getReason());
        });
    }

    @Test
    void onlyServerErrorsAndThrottlingAreRetryable() {
        assertThat(process(HttpStatus.INTERNAL_SERVER_ERROR, (Throwable) null).retryable()).isTrue();
        assertThat(process(HttpStatus.SERVICE_UNAVAILABLE, (Throwable) null).retryable()).isTrue();
        assertThat(process(HttpStatus.TOO_MANY_REQUESTS, (Throwable) null).retryable()).isTrue();
        assertThat(process(HttpStatus.BAD_REQUEST, (Throwable) null).retryable()).isFalse();
        assertThat(process(HttpStatus.NOT_FOUND, (Throwable) null).retryable()).isFalse();
        assertThat(process(HttpStatus.CONFLICT, (Throwable) null).retryable()).isFalse();
    }

    @Test
    void parseExceptionIsMalformedJson() {
        Throwable cause = new IllegalArgumentException("conversion", new JsonParseException(null, "Unexpected character"));
        assertThat(process(HttpStatus.BAD_REQUEST, cause).code()).isEqualTo("malformed_json");
    }

    @Test
    void truncatedJsonIsMalformedJson() {
        Throwable cause = new JsonEOFException(null, null, "Unexpected end-of-input");
        assertThat(process(HttpStatus.BAD_REQUEST, cause).code()).isEqualTo("malformed_json");
    }

    @Test
    void syntaxErrorDeeperInTheChainWinsOverShapeErrors() {
        Throwable cause = new SerdeException("decoding", new JsonParseException(null, "Unexpected character"));
        assertThat(process(HttpStatus.BAD_REQUEST, cause).code()).isEqualTo("malformed_json");
    }

    @Test
    void serdeFailureIsInvalidBody() {
        Throwable cause = new IllegalArgumentException("conversion", new SerdeException("Error decoding property count"));
        assertThat(process(HttpStatus.BAD_REQUEST, cause).code()).isEqualTo("invalid_body");
    }

    @Test
    void otherBadRequestsAreBadRequest() {
        assertThat(process(HttpStatus.BAD_REQUEST, new NumberFormatException("For input string: \"x\"")).code())
                .isEqualTo("bad_request");
        assertThat(process(HttpStatus.BAD_REQUEST, (Throwable) null).code()).isEqualTo("bad_request");
    }

    @Test
    void textTheDatabaseCannotStoreIsTheClientsError() {
        RuntimeException wrapped = new RuntimeException("could not execute",
                new java.sql.SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
        MutableHttpResponse<Problem> response = processor.processResponse(
                ErrorContext.builder(HttpRequest.GET("/x")).cause(wrapped).build(),
                HttpResponse.status(HttpStatus.INTERNAL_SERVER_ERROR));
        assertThat(response.getStatus().getCode()).isEqualTo(400);
        Problem problem = response.getBody().orElseThrow();
        assertThat(problem.code()).isEqualTo("invalid_text");
        assertThat(problem.retryable()).isFalse();
        assertThat(problem.detail()).doesNotContain("UTF8").doesNotContain("SQL");

        // any other database failure stays a 500 that says nothing
        Problem other = process(HttpStatus.INTERNAL_SERVER_ERROR,
                new RuntimeException(new java.sql.SQLException("relation does not exist", "42P01")));
        assertThat(other.code()).isEqualTo("internal_error");
    }

    @Test
    void serverErrorDetailHidesTheErrorMessages() {
        ErrorContext context = ErrorContext.builder(HttpRequest.GET("/x"))
                .cause(new IllegalStateException("password=hunter2 in dev.runloom.Secret"))
                .errorMessage("Internal Server Error: password=hunter2 in dev.runloom.Secret")
                .build();
        Problem problem = process(HttpStatus.INTERNAL_SERVER_ERROR, context);
        assertThat(problem.detail()).isEqualTo("An unexpected error occurred; it has been logged");
        assertThat(problem.error()).isEqualTo(problem.detail());
        assertThat(problem.errors()).isNull();
        assertThat(problem.code()).isEqualTo("internal_error");
    }

    @Test
    void clientErrorDetailJoinsErrorsWithTheirPaths() {
        ErrorContext context = ErrorContext.builder(HttpRequest.GET("/x"))
                .error(error("limit", "must be a number"))
                .error(error(null, "something else"))
                .build();
        Problem problem = process(HttpStatus.BAD_REQUEST, context);
        assertThat(problem.detail()).isEqualTo("limit: must be a number; something else");
        assertThat(problem.errors()).as("field errors are only listed for bean validation").isNull();
    }

    @Test
    void clientErrorWithoutErrorsUsesTheReason() {
        assertThat(process(HttpStatus.NOT_FOUND, (Throwable) null).detail()).isEqualTo("Not Found");
    }

    @Test
    void parserLocationAndRedactionMarkersAreRemoved() {
        ErrorContext context = ErrorContext.builder(HttpRequest.GET("/x"))
                .errorMessage("Unexpected character ('}' (code 125)) at [Source: REDACTED (`StreamReadFeature`); line: 1, column: 9]")
                .error(error("body", "Unexpected end-of-input\n at [Source: REDACTED; line: 1]"))
                .build();
        Problem problem = process(HttpStatus.BAD_REQUEST, context);
        assertThat(problem.detail()).isEqualTo("Unexpected character ('}' (code 125)); body: Unexpected end-of-input");
    }
}
