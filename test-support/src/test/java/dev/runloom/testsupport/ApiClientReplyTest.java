package dev.runloom.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import dev.runloom.testsupport.ApiClient.Reply;
import io.micronaut.json.JsonMapper;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The reply's views and problem assertions (the HTTP side is exercised by every service's tests). */
class ApiClientReplyTest {
    private static final String PROBLEM = "application/problem+json";
    private final JsonMapper json = JsonMapper.createDefault();

    @Test
    void offersTheBodyAsMapAndTree() {
        Reply reply = new Reply(200, "application/json",
                "{\"data\":[{\"id\":\"a\"}],\"pagination\":{\"limit\":10},\"name\":\"n\"}", json);
        assertThat(reply.data()).isEqualTo(List.of(Map.of("id", "a")));
        assertThat(reply.pagination()).isEqualTo(Map.of("limit", 10));
        assertThat(reply.string("name")).isEqualTo("n");
        assertThat(reply.tree().get("data").get(0).get("id").getStringValue()).isEqualTo("a");
        assertThat(reply.assertStatus(200)).isSameAs(reply);

        Reply empty = new Reply(204, "", "", json);
        assertThat(empty.body()).isEmpty();
        assertThat(empty.tree().isNull()).isTrue();
        assertFails(() -> new Reply(200, "text/html", "<html>", json));
        assertFails(() -> new Reply(200, "application/json", "[1]", json));
    }

    @Test
    void problemAssertionsCheckStatusTypeCodeAndLeaks() {
        String body = "{\"status\":404,\"code\":\"not_found\",\"detail\":\"Record 'x' not found\"}";
        answer404(PROBLEM, body).assertProblem(404, "not_found").assertProblem(404);

        assertFails(() -> answer404(PROBLEM, body).assertProblem(404, "gone"));
        assertFails(() -> answer404(PROBLEM, body).assertProblem(400));
        assertFails(() -> answer404("application/json", body).assertProblem(404));
        assertFails(() -> answer404(PROBLEM, body.replace("404", "400")).assertProblem(404)); // status in the body
        assertFails(() -> answer404(PROBLEM, "{\"status\":404,\"code\":\" \"}").assertProblem(404));
        assertFails(() -> answer404(PROBLEM, body.replace("not found", "NullPointerException")).assertProblem(404));
        assertFails(() -> answer404(PROBLEM, body.replace("not found", "at dev.runloom.X.y(X.java:1)")).assertProblem(404));
    }

    private Reply answer404(String contentType, String body) {
        return new Reply(404, contentType, body, json);
    }

    private static void assertFails(ThrowingCallable assertion) {
        assertThatThrownBy(assertion).isInstanceOf(AssertionError.class);
    }
}
