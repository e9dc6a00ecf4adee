package dev.runloom.models;

import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain message keeps its two-field JSON shape; tool calls and results round-trip. */
class ChatMessageJsonTest {
    private final JsonMapper json = JsonMapper.createDefault();

    @Test
    void aPlainMessageIsRoleAndContentOnly() throws IOException {
        assertThat(json.writeValueAsString(ChatMessage.user("hi"))).isEqualTo("{\"role\":\"user\",\"content\":\"hi\"}");
        assertThat(json.readValue("{\"role\":\"user\",\"content\":\"hi\"}", ChatMessage.class)).isEqualTo(ChatMessage.user("hi"));
    }

    @Test
    void toolCallsAndResultsRoundTrip() throws IOException {
        ChatMessage asked = ChatMessage.assistant(null, List.of(new ToolCallRequest("c1", "lookup", "{\"q\":1}")));
        ChatMessage answered = ChatMessage.toolResult("c1", "lookup", "42");
        for (ChatMessage m : List.of(asked, answered)) {
            assertThat(json.readValue(json.writeValueAsString(m), ChatMessage.class)).isEqualTo(m);
        }
        assertThat(json.writeValueAsString(answered)).isEqualTo(
                "{\"role\":\"tool\",\"content\":\"42\",\"toolCallId\":\"c1\",\"toolName\":\"lookup\"}");
    }
}
