package dev.runloom.common.problem;

import dev.runloom.common.problem.ProblemTestServer.Reply;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Over real HTTP: request bodies and parameters the framework cannot use become 4xx problems. */
class ProblemHttpBodyErrorsTest {
    private static ProblemTestServer server;

    @BeforeAll
    static void start() {
        server = new ProblemTestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply post(String json) {
        return server.call(HttpRequest.POST("/problem-test/things", json).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    private static void assertProblem(Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.contentType()).as(reply.raw()).startsWith(Problem.MEDIA_TYPE);
        assertThat(reply.body()).as(reply.raw())
                .containsEntry("status", status)
                .containsEntry("code", code)
                .containsEntry("type", "https://runloom.dev/problems/" + code)
                .containsEntry("retryable", false)
                .containsKeys("title", "detail");
        assertThat(reply.body().get("error")).isEqualTo(reply.body().get("detail"));
    }

    @Test
    void validBodyIsAccepted() {
        Reply reply = post("{\"name\":\"a\",\"count\":2,\"tags\":[\"x\"]}");
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        assertThat(reply.body()).containsEntry("name", "a").containsEntry("count", 2);
    }

    @Test
    void malformedJsonIs400MalformedJson() {
        assertProblem(post("{\"name\": \"a\", count: }"), 400, "malformed_json");
    }

    @Test
    void truncatedJsonIs400MalformedJson() {
        assertProblem(post("{\"name\": \"a\", \"count\": 2"), 400, "malformed_json");
    }

    @Test
    void malformedJsonDetailHasNoParserLocation() {
        Reply reply = post("{\"name\": \"a\", count: }");
        assertThat((String) reply.body().get("detail")).doesNotContain("[Source:").doesNotContain("REDACTED")
                .doesNotContain("\n");
    }

    @Test
    void truncatedJsonDetailIsACompleteSentence() {
        String detail = (String) post("{\"name\": \"a\", \"count\": 2").body().get("detail");
        assertThat(detail.chars().filter(c -> c == '(').count()).as(detail)
                .isEqualTo(detail.chars().filter(c -> c == ')').count());
        assertThat(detail).doesNotEndWith("start marker");
    }

    @Test
    void wrongJsonTypesAre400InvalidBody() {
        assertProblem(post("{\"name\":\"a\",\"count\":\"many\"}"), 400, "invalid_body");
    }

    @Test
    void wrongJsonShapeIs400InvalidBody() {
        assertProblem(post("[\"not\", \"an\", \"object\"]"), 400, "invalid_body");
    }

    @Test
    void beanValidationFailureIs400ValidationFailedWithFieldErrors() {
        Reply reply = post("{\"name\":\"  \",\"count\":0,\"tags\":[\"a\",\"b\",\"c\"]}");
        assertProblem(reply, 400, "validation_failed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) reply.body().get("errors");
        assertThat(errors).extracting(e -> e.get("path")).containsExactly("count", "name", "tags");
        assertThat(errors).allSatisfy(e -> assertThat((String) e.get("message")).isNotBlank());
        assertThat((String) reply.body().get("detail")).startsWith("count: ").contains("; name: ").contains("; tags: ");
    }

    @Test
    void validationFieldPathsDoNotExposeMethodOrParameterNames() {
        Reply reply = post("{\"name\":\"\",\"count\":1}");
        assertThat(reply.raw()).doesNotContain("create.").doesNotContain("thing.");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) reply.body().get("errors");
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).containsEntry("path", "name"));
    }

    @Test
    void unsupportedContentTypeIs415() {
        Reply reply = server.call(HttpRequest.POST("/problem-test/things", "name=a").contentType(MediaType.TEXT_PLAIN_TYPE));
        assertProblem(reply, 415, "unsupported_media_type");
    }

    @Test
    void unconvertibleQueryParameterIs400BadRequest() {
        assertProblem(server.call(HttpRequest.GET("/problem-test/count?n=abc")), 400, "bad_request");
    }

    @Test
    void missingRequiredQueryParameterIs400BadRequest() {
        assertProblem(server.call(HttpRequest.GET("/problem-test/count")), 400, "bad_request");
    }
}
