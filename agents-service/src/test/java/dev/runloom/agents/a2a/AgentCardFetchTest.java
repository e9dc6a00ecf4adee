package dev.runloom.agents.a2a;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A3 {@code POST /v1/agents/fetch-agent-card}: the card read from a fake A2A agent on loopback
 * (allow-listed as {@code agent.test}), SSRF refusals decided by the guard with an injected resolver
 * (loopback, 169.254.169.254, a name resolving to 10.x, a redirect to loopback — and the connector
 * proves nothing non-loopback was ever connected to), upstream failures as 502 and bad input as 400.
 */
@ServiceTest("agents")
class AgentCardFetchTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    final FakeA2aAgent agent = new FakeA2aAgent();

    @Override
    public Map<String, String> getProperties() {
        return TestOutboundNetwork.properties();
    }

    @BeforeEach
    void reset() {
        agent.reset();
        TestOutboundNetwork.NON_LOOPBACK_CONNECTS.clear();
    }

    @AfterAll
    void stop() {
        agent.close();
        assertThat(TestOutboundNetwork.NON_LOOPBACK_CONNECTS).as("connections outside loopback").isEmpty();
    }

    private Reply fetch(String url) {
        return api.post("/v1/agents/fetch-agent-card", Map.of("url", url), ORG_A);
    }

    @Test
    void readsTheCardAtTheWellKnownPathOfABareUrl() {
        Reply reply = fetch(agent.url());
        reply.assertStatus(200);
        assertThat(reply.string("name")).isEqualTo("Polyglot");
        assertThat(reply.string("url")).isEqualTo(agent.url() + "/a2a");
        assertThat(reply.list("skills")).extracting(s -> s.get("id")).containsExactly("translate", "summarize");
        assertThat(reply.map("provider")).containsEntry("organization", "Example");
        assertThat(agent.hits("/.well-known/agent-card.json")).isEqualTo(1);
    }

    @Test
    void readsACardUrlAsGivenAndFallsBackToTheLegacyWellKnownName() {
        fetch(agent.url() + "/cards/polyglot.json").assertStatus(200);
        assertThat(agent.hits("/cards/polyglot.json")).isEqualTo(1);

        agent.legacyOnly(true);
        Reply legacy = fetch(agent.url() + "/");
        legacy.assertStatus(200);
        assertThat(legacy.string("name")).isEqualTo("Polyglot");
        assertThat(agent.hits("/.well-known/agent.json")).isEqualTo(1);
    }

    @Test
    void followsARedirectToAnAllowedHost() {
        fetch(agent.url() + "/redirect?to=" + agent.url() + "/cards/polyglot.json").assertStatus(200);
        assertThat(agent.hits("/cards/polyglot.json")).isEqualTo(1);
    }

    @Test
    void refusesInternalAddressesWithA400BeforeConnecting() {
        for (String url : List.of(
                agent.loopbackUrl() + "/.well-known/agent-card.json",   // loopback literal, not allow-listed
                "http://[::1]:" + agent.port() + "/",                   // IPv6 loopback
                "http://169.254.169.254/latest/meta-data/",             // cloud metadata
                "http://metadata.test/card.json",                       // a name resolving to 169.254.169.254
                "http://internal.test/.well-known/agent-card.json",     // a name resolving to 10.0.0.1
                "http://10.1.2.3/",
                "http://[::ffff:10.0.0.7]/")) {
            Reply reply = fetch(url);
            reply.assertProblem(400, "url_refused");
            assertThat(reply.string("detail")).as(url).contains("url is not allowed");
        }
        assertThat(agent.requests).as("nothing reached the fake agent").isEmpty();
    }

    @Test
    void refusesARedirectToLoopback() {
        Reply reply = fetch(agent.url() + "/redirect?to=" + agent.loopbackUrl() + "/.well-known/agent-card.json");
        reply.assertProblem(400, "url_refused");
        assertThat(reply.string("detail")).contains("loopback");
        assertThat(agent.hits("/redirect")).isEqualTo(1);
        assertThat(agent.hits("/.well-known/agent-card.json")).as("the redirect was not followed").isZero();

        fetch(agent.url() + "/redirect?to=http://internal.test/card").assertProblem(400, "url_refused");
    }

    @Test
    void upstreamFailuresAre502() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        fetch("http://agent.test:" + closedPort + "/card.json").assertProblem(502, "agent_card_unavailable");
        fetch(agent.url() + "/status/500").assertProblem(502, "agent_card_unavailable");
        fetch(agent.url() + "/missing.json").assertProblem(502, "agent_card_unavailable");
        fetch(agent.url() + "/not-json").assertProblem(502, "agent_card_invalid");
        fetch(agent.url() + "/array").assertProblem(502, "agent_card_invalid");
        fetch(agent.url() + "/nameless").assertProblem(502, "agent_card_invalid");
        Reply huge = fetch(agent.url() + "/huge").assertProblem(502, "agent_card_unavailable");
        assertThat(huge.string("detail")).contains("larger than");
        Reply slow = fetch(agent.url() + "/slow").assertProblem(502, "agent_card_unavailable");
        assertThat(slow.body().get("retryable")).isEqualTo(true);
        fetch("http://unknown-host.test/card.json").assertProblem(502, "agent_card_unavailable");
    }

    @Test
    void badInputIs400() {
        api.post("/v1/agents/fetch-agent-card", "{}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": \"\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": 42}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": [\"x\"]}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": ", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "[]", ORG_A).assertProblem(400);
        fetch("not a url").assertProblem(400, "invalid_url");
        fetch("/relative/card.json").assertProblem(400, "invalid_url");
        fetch("ftp://agent.test/card.json").assertProblem(400, "invalid_url");
        fetch("file:///etc/passwd").assertProblem(400, "invalid_url");
        fetch("http://user:pw@agent.test:" + agent.port() + "/").assertProblem(400, "invalid_url");
        fetch("http://agent.test/" + "a".repeat(3000)).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": \"   \"}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": null}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": \"http://agent.test/\\u0000\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": \"http://agent.test/\\ud800\"}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": \"" + agent.url() + "\"} trailing", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{'url': 'x'}", ORG_A).assertProblem(400);
        api.post("/v1/agents/fetch-agent-card", "{\"url\": \"" + "a".repeat(1_100_000) + "\"}", ORG_A)
                .assertProblem(413);
        api.send(io.micronaut.http.HttpRequest.POST("/v1/agents/fetch-agent-card", "url=" + agent.url())
                .contentType("text/plain"), ORG_A).assertProblem(415);
        api.post("/v1/agents/" + "x".repeat(10_000) + "/refresh-agent-card", "{}", ORG_A).assertProblem(414);
        api.post("/v1/agents/" + "x".repeat(1_000) + "/refresh-agent-card", "{}", ORG_A).assertProblem(404, "not_found");
        api.post("/v1/agents/..%2F..%2Fx/refresh-agent-card", "{}", ORG_A).assertStatus(404);
        api.post("/v1/agents/fetch-agent-card", Map.of("url", agent.url()), null).assertProblem(401);
        assertThat(agent.requests).isEmpty();
    }
}
