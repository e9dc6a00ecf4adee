package dev.runloom.agents;

import com.sun.net.httpserver.HttpServer;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in {@code fetch-url} and {@code upsert-record} tools in the loop (local model tool mode).
 * fetch-url goes through outbound-http's SSRF guard: 169.254.169.254 and {@code localhost} are refused
 * before any connection (tool errors; the loop goes on), while 127.0.0.1 — allow-listed for this test
 * only through {@code runloom.outbound-http.allowed-hosts} — is fetched from a real server on loopback.
 * upsert-record writes through a records-service double with the key {@code executionId:toolCallId}; an
 * answer lost after the write is retried with the same key and answered as a replay: one record.
 */
@ServiceTest("agents")
class AgentBuiltInToolsTest implements TestPropertyProvider {
    private final FakeRecordsService records = new FakeRecordsService();
    private final HttpServer site;
    private final AtomicInteger siteHits = new AtomicInteger();

    @Inject ApiClient<Tenant> api;

    AgentBuiltInToolsTest() {
        try {
            site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        site.createContext("/hello", exchange -> {
            siteHits.incrementAndGet();
            byte[] body = "Hello from the site".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        site.start();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(records.serviceProperties());
        p.put("runloom.outbound-http.allowed-hosts", "127.0.0.1");
        return p;
    }

    @AfterAll
    void stop() {
        records.close();
        site.stop(0);
    }

    private String agent(String tool) {
        Reply created = api.post("/v1/agents", Map.of("name", "Built-ins", "config", Map.of("tools", List.of(tool))), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.list("_warnings")).isEmpty(); // a built-in tool the service has
        return created.string("id");
    }

    private Reply execute(String agentId, String message) {
        Reply executed = api.post("/v1/agents/" + agentId + "/execute", Map.of("messages",
                List.of(Map.of("role", "user", "content", message)), "options", Map.of("streamResponse", false)), ORG_A);
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        return executed;
    }

    private JsonNode toolCall(String agentId, String executionId, int index) {
        String base = "/v1/agents/" + agentId + "/executions/" + executionId + "/tool-calls";
        String id = api.get(base, ORG_A).tree().get("data").get(index).get("id").getStringValue();
        return api.get(base + "/" + id, ORG_A).tree();
    }

    @Test
    void fetchUrlRefusesInternalAddressesAndFetchesAnAllowedOne() {
        String agentId = agent("fetch-url");
        int port = site.getAddress().getPort();
        Reply executed = execute(agentId, "@fetch-url{\"url\":\"http://169.254.169.254/latest/meta-data/\"} "
                + "@fetch-url{\"url\":\"http://localhost:" + port + "/hello\"} "
                + "@fetch-url{\"url\":\"http://127.0.0.1:" + port + "/hello\"}");
        assertThat(executed.string("status")).isEqualTo("completed");
        String executionId = executed.string("executionId");

        JsonNode metadata = toolCall(agentId, executionId, 0);
        assertThat(metadata.get("status").getStringValue()).isEqualTo("failed");
        assertThat(metadata.get("errorMessage").getStringValue()).startsWith("refused");
        JsonNode loopback = toolCall(agentId, executionId, 1);
        assertThat(loopback.get("status").getStringValue()).isEqualTo("failed");
        assertThat(loopback.get("errorMessage").getStringValue()).startsWith("refused");
        assertThat(siteHits.get()).as("the refused loopback call never connected").isEqualTo(1);

        JsonNode allowed = toolCall(agentId, executionId, 2);
        assertThat(allowed.get("status").getStringValue()).isEqualTo("completed");
        assertThat(allowed.get("outputResult").get("status").getIntValue()).isEqualTo(200);
        assertThat(allowed.get("outputResult").get("body").getStringValue()).isEqualTo("Hello from the site");
        assertThat(executed.string("finalOutput")).contains("Hello from the site");
    }

    @Test
    void upsertRecordWritesOncePerToolCallEvenWhenTheAnswerIsLost() {
        String agentId = agent("upsert-record");
        records.loseNextAnswer.set(true);
        Reply executed = execute(agentId,
                "@upsert-record{\"recordType\":\"lead\",\"name\":\"Acme\",\"metadata\":{\"stage\":\"new\"}}");
        assertThat(executed.string("status")).isEqualTo("completed");
        String executionId = executed.string("executionId");
        JsonNode call = toolCall(agentId, executionId, 0);
        assertThat(call.get("status").getStringValue()).as(call.toString()).isEqualTo("completed");
        assertThat(call.get("outputResult").get("id").getStringValue()).isEqualTo("rec_1");

        // the lost answer was retried with the same key: records-service saw it twice and wrote once
        String key = executionId + ":" + call.get("id").getStringValue();
        assertThat(records.upsertKeys).containsExactly(key, key);
        assertThat(records.upserted).containsOnlyKeys("org_a|lead|Acme");
        assertThat(records.upserted.get("org_a|lead|Acme")).contains("\"stage\":\"new\"");

        // a bad argument is a tool error the model reads, and nothing is written
        Reply bad = execute(agentId, "@upsert-record{\"recordType\":\"lead\"}");
        JsonNode failed = toolCall(agentId, bad.string("executionId"), 0);
        assertThat(failed.get("status").getStringValue()).isEqualTo("failed");
        assertThat(failed.get("errorMessage").getStringValue()).contains("name is required");
        assertThat(records.upsertKeys).hasSize(2);
    }
}
