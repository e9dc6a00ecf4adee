package dev.runloom.common.problem;

import dev.runloom.common.problem.ProblemTestServer.Reply;
import io.micronaut.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Over real HTTP: unknown routes, wrong methods, thrown problems and unexpected exceptions become problems. */
class ProblemHttpRoutingAndExceptionsTest {
    private static ProblemTestServer server;

    @BeforeAll
    static void start() {
        server = new ProblemTestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertProblem(Reply reply, int status, String code, boolean retryable) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.contentType()).as(reply.raw()).startsWith(Problem.MEDIA_TYPE);
        assertThat(reply.body()).as(reply.raw())
                .containsEntry("status", status)
                .containsEntry("code", code)
                .containsEntry("type", "https://runloom.dev/problems/" + code)
                .containsEntry("retryable", retryable)
                .containsKeys("title", "detail");
    }

    @Test
    void successfulCallIsUntouched() {
        Reply reply = server.call(HttpRequest.GET("/problem-test/ok"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).containsExactly(java.util.Map.entry("status", "ok"));
    }

    @Test
    void unknownRouteIs404NotFound() {
        assertProblem(server.call(HttpRequest.GET("/problem-test/no-such-route")), 404, "not_found", false);
    }

    @Test
    void wrongMethodIs405MethodNotAllowed() {
        assertProblem(server.call(HttpRequest.DELETE("/problem-test/ok")), 405, "method_not_allowed", false);
    }

    @Test
    void thrownNotFoundKeepsItsStatusCodeAndDetail() {
        Reply reply = server.call(HttpRequest.GET("/problem-test/things/thg_42"));
        assertProblem(reply, 404, "not_found", false);
        assertThat(reply.body()).containsEntry("detail", "Thing 'thg_42' was not found")
                .containsEntry("error", "Thing 'thg_42' was not found")
                .containsEntry("title", "Not Found");
    }

    @Test
    void thrownConflictKeepsItsOwnCode() {
        Reply reply = server.call(HttpRequest.GET("/problem-test/conflict"));
        assertProblem(reply, 409, "duplicate_thing", false);
        assertThat(reply.body()).containsEntry("detail", "A thing named 'a' already exists");
    }

    @Test
    void thrownUnavailableIsRetryable() {
        assertProblem(server.call(HttpRequest.GET("/problem-test/unavailable")), 503, "broker_unavailable", true);
    }

    @Test
    void unexpectedExceptionIs500RetryableProblem() {
        Reply reply = server.call(HttpRequest.GET("/problem-test/boom"));
        assertProblem(reply, 500, "internal_error", true);
        assertThat(reply.body()).containsEntry("detail", "An unexpected error occurred; it has been logged");
    }

    @Test
    void unexpectedExceptionLeaksNoMessageStackTraceOrClassNames() {
        Reply reply = server.call(HttpRequest.GET("/problem-test/boom"));
        assertThat(reply.raw())
                .doesNotContain("hunter2")
                .doesNotContain("IllegalStateException")
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("dev.runloom")
                .doesNotContain("ProblemTestController")
                .doesNotContain("\tat ");
        assertThat(reply.body()).containsOnlyKeys("type", "title", "status", "detail", "code", "retryable", "error");
    }
}
