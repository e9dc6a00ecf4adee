package dev.runloom.models;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LocalModel}: deterministic replies and token counts, what it serves, and the max-tokens cut. */
class LocalModelTest {
    private final LocalModel model = new LocalModel();

    private static ModelRequest request(String system, Integer maxTokens, ChatMessage... messages) {
        return new ModelRequest("local", system, List.of(messages), 0.2, maxTokens);
    }

    @Test
    void servesLocalAndLocalSlashAnything() {
        assertThat(model.serves("local")).isTrue();
        assertThat(model.serves("local/echo")).isTrue();
        assertThat(model.serves("local/")).isTrue();
    }

    @Test
    void doesNotServeOtherModels() {
        assertThat(model.serves("gpt-4o")).isFalse();
        assertThat(model.serves("localhost")).isFalse();
        assertThat(model.serves("locally/x")).isFalse();
        assertThat(model.serves("LOCAL")).isFalse();
        assertThat(model.serves("openai/local")).isFalse();
    }

    @Test
    void sameInputGivesTheSameResponse() {
        ModelRequest r = request("Be brief.", null, new ChatMessage("user", "Summarise this invoice"));
        ModelResponse first = model.complete(r);
        ModelResponse second = new LocalModel().complete(request("Be brief.", null, new ChatMessage("user", "Summarise this invoice")));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void differentPromptsGiveDifferentReplies() {
        String a = model.complete(request(null, null, new ChatMessage("user", "hello"))).text();
        String b = model.complete(request(null, null, new ChatMessage("user", "hello!"))).text();
        String c = model.complete(request("system", null, new ChatMessage("user", "hello"))).text();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(b).isNotEqualTo(c);
    }

    @Test
    void earlierMessagesChangeTheFingerprint() {
        String a = model.complete(request(null, null, new ChatMessage("user", "one"), new ChatMessage("user", "last"))).text();
        String b = model.complete(request(null, null, new ChatMessage("user", "two"), new ChatMessage("user", "last"))).text();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void replyQuotesTheLastMessage() {
        ModelResponse response = model.complete(request(null, null,
                new ChatMessage("user", "first"), new ChatMessage("user", "What is 2+2?")));
        assertThat(response.text()).matches("Local model reply [0-9a-f]{8} to: What is 2\\+2\\?");
        assertThat(response.finishReason()).isEqualTo("stop");
        assertThat(response.model()).isEqualTo("local");
    }

    @Test
    void quotedExcerptIsCutAt200Characters() {
        String longMessage = "x".repeat(500);
        String text = model.complete(request(null, null, new ChatMessage("user", longMessage))).text();
        assertThat(text).endsWith(" to: " + "x".repeat(200));
    }

    @Test
    void noMessagesStillAnswers() {
        ModelResponse response = model.complete(request("only a system prompt", null));
        assertThat(response.text()).matches("Local model reply [0-9a-f]{8} to: ");
        assertThat(response.usage().promptTokens()).isPositive();
    }

    @Test
    void tokenCountsAreAboutFourCharactersATokenRoundedUp() {
        assertThat(LocalModel.tokens("")).isEqualTo(1);
        assertThat(LocalModel.tokens("a")).isEqualTo(1);
        assertThat(LocalModel.tokens("abcd")).isEqualTo(1);
        assertThat(LocalModel.tokens("abcde")).isEqualTo(2);
        assertThat(LocalModel.tokens("x".repeat(400))).isEqualTo(100);
    }

    @Test
    void usageCountsThePromptAndTheReply() {
        // prompt as sent: "sys\nuser: hi\n" = 13 characters → 4 tokens
        ModelResponse response = model.complete(request("sys", null, new ChatMessage("user", "hi")));
        assertThat(response.usage().promptTokens()).isEqualTo(4);
        assertThat(response.usage().completionTokens()).isEqualTo(LocalModel.tokens(response.text()));
        assertThat(response.usage().cachedPromptTokens()).isZero();
        assertThat(response.usage().totalTokens()).isEqualTo(4 + LocalModel.tokens(response.text()));
    }

    @Test
    void maxTokensCutsTheReplyAndReportsLength() {
        ModelResponse response = model.complete(request(null, 3, new ChatMessage("user", "tell me a long story")));
        assertThat(response.finishReason()).isEqualTo("length");
        assertThat(response.text()).hasSize(12).isEqualTo(
                model.complete(request(null, null, new ChatMessage("user", "tell me a long story"))).text().substring(0, 12));
        assertThat(response.usage().completionTokens()).isLessThanOrEqualTo(3);
    }

    @Test
    void generousMaxTokensDoesNotCut() {
        ModelResponse response = model.complete(request(null, 1000, new ChatMessage("user", "hi")));
        assertThat(response.finishReason()).isEqualTo("stop");
        assertThat(response.text()).endsWith(" to: hi");
    }

    @Test
    void temperatureDoesNotChangeTheReply() {
        ModelResponse cold = model.complete(new ModelRequest("local", null, List.of(new ChatMessage("user", "q")), 0.0, null));
        ModelResponse hot = model.complete(new ModelRequest("local", null, List.of(new ChatMessage("user", "q")), 1.5, null));
        assertThat(hot).isEqualTo(cold);
    }

    @Test
    void callsTheOfferedToolsAUserMessageMentions() {
        List<ToolSpec> tools = List.of(new ToolSpec("retrieve-record", "reads a record", null),
                new ToolSpec("other", null, null));
        ModelRequest request = new ModelRequest("local", null,
                List.of(ChatMessage.user("use @retrieve-record{\"name\":\"a}b\",\"n\":{\"x\":1}} then @unknown and @other")),
                null, null).withTools(tools);
        ModelResponse response = new LocalModel().complete(request);
        assertThat(response.finishReason()).isEqualTo("tool_calls");
        assertThat(response.text()).isEmpty();
        assertThat(response.toolCalls()).containsExactly(
                new ToolCallRequest("local_call_1", "retrieve-record", "{\"name\":\"a}b\",\"n\":{\"x\":1}}"),
                new ToolCallRequest("local_call_2", "other", "{}"));
        assertThat(new LocalModel().complete(request)).isEqualTo(response);

        // without tools offered, or after a tool result, it answers text
        assertThat(new LocalModel().complete(request.withTools(List.of())).toolCalls()).isEmpty();
        ModelRequest afterTool = new ModelRequest("local", null, List.of(ChatMessage.user("@other"),
                ChatMessage.assistant(null, response.toolCalls()), ChatMessage.toolResult("local_call_2", "other", "42")),
                null, null).withTools(tools);
        ModelResponse answer = new LocalModel().complete(afterTool);
        assertThat(answer.toolCalls()).isEmpty();
        assertThat(answer.text()).endsWith("to: 42");
    }
}
