package dev.runloom.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.runloom.testsupport.FakeModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform as a user meets it: the local launcher starts embedded PostgreSQL + Kafka and the
 * five services as separate JVMs; everything below goes through the gateway over HTTP with API keys
 * of two organizations. Nothing is mocked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndTest {
    static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;
    LocalPlatform platform;
    private LocalPlatform.Options options;
    Api orgA;
    private Api orgB;
    /** An OpenAI-compatible provider on loopback, configured the way an operator would: environment + a models file. */
    private final FakeModelServer modelProvider = new FakeModelServer();
    /** A CRM API on loopback for api-call steps, allow-listed past the SSRF guard the way an operator would. */
    private final HttpServer crm = crmServer();

    @BeforeAll
    void startPlatform() throws Exception {
        Path home = Path.of(System.getProperty("runloom.home", "../..")).toAbsolutePath().normalize();
        String keyA = "rt_test_orgA_" + Long.toHexString(System.nanoTime()) + "abcdefghijklmnop";
        String keyB = "rt_test_orgB_" + Long.toHexString(System.nanoTime()) + "qrstuvwxyz012345";
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path modelsFile = Files.writeString(Files.createTempFile("runloom-models", ".yml"), """
                runloom:
                  models:
                    aliases:
                      gpt-4o: {provider: openai, model: gpt-4o-2024-08-06}
                    prices:
                      gpt-4o: {input-per-million: 2.5, output-per-million: 10}
                """);
        modelsFile.toFile().deleteOnExit();
        Map<String, String> providerEnvironment = new java.util.HashMap<>(Map.of(
                "RUNLOOM_MODELS_PROVIDERS_OPENAI_BASE_URL", modelProvider.baseUrl(),
                "RUNLOOM_MODELS_PROVIDERS_OPENAI_API_KEY", "sk-e2e-test",
                "MICRONAUT_CONFIG_FILES", modelsFile.toString(),
                "RUNLOOM_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1"));
        providerEnvironment.putAll(extraServiceEnvironment());
        options = new LocalPlatform.Options(home, dataDir, port,
                List.of(new LocalPlatform.ApiKey(keyA, "org_alpha"), new LocalPlatform.ApiKey(keyB, "org_beta")),
                providerEnvironment).withReplicas(replicas());
        platform = LocalPlatform.start(options);
        orgA = new Api(platform.gatewayUrl(), keyA);
        orgB = new Api(platform.gatewayUrl(), keyB);
    }

    /** JVMs per service; {@link ReplicatedPlatformEndToEndTest} runs the same journey on three. */
    int replicas() {
        return 1;
    }

    /** More environment for every service JVM. */
    Map<String, String> extraServiceEnvironment() {
        return Map.of();
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
        modelProvider.close();
        crm.stop(0);
    }

    /** {@code GET /crm?name=X} answers {"company":{"name":X,"employees":N}}: 500 for BigCo, 5 for anyone else. */
    private static HttpServer crmServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/crm", exchange -> {
                String query = exchange.getRequestURI().getQuery();
                String name = query == null ? "" : query.replaceFirst("^name=", "");
                byte[] body = ("{\"company\":{\"name\":\"" + name + "\",\"employees\":" + (name.equals("BigCo") ? 500 : 5) + "}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A closed interior: every service JVM (gateway included) listens on 127.0.0.1 only, read from the
     * kernel's socket table (no traffic to any other address), and the secrets are the owner's alone.
     */
    @Test
    @Order(0)
    void servicesListenOnLoopbackAndSecretsAreOwnerOnly() throws Exception {
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!java.nio.file.Files.exists(file)) {
                continue;
            }
            for (String line : java.nio.file.Files.readAllLines(file).subList(1, java.nio.file.Files.readAllLines(file).size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A")) { // LISTEN
                    listening.add(f[1]);
                }
            }
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(listening.isEmpty(), "no /proc/net/tcp on this system");
        for (int port : platform.servicePorts()) {
            String hexPort = String.format(":%04X", port);
            List<String> addresses = listening.stream().filter(a -> a.endsWith(hexPort)).toList();
            assertThat(addresses).as("listening sockets of port " + port).isNotEmpty()
                    // 127.0.0.1 in /proc/net/tcp, or as the v4-mapped ::ffff:127.0.0.1 in tcp6; never 0.0.0.0 / ::
                    .allSatisfy(a -> assertThat(a).isIn("0100007F" + hexPort,
                            "0000000000000000FFFF00000100007F" + hexPort));
        }
        for (String secret : List.of("internal-secret", "postgres/runloom-superuser-password")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(dataDir.resolve(secret)))).as(secret).isEqualTo("rw-------");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }

    @Test
    @Order(1)
    void recordsFlowsSchedulesAndAgentsEndToEnd() {
        // Records: 12 leads and 3 customers.
        List<String> leadIds = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            Api.Response created = orgA.post("/v1/records",
                    "{\"type\":\"lead\",\"name\":\"Lead " + i + "\",\"metadata\":{\"company\":\"Lead Co " + i + "\"}}");
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            leadIds.add(created.body().get("id").asText());
        }
        List<String> customerIds = new ArrayList<>();
        for (String name : List.of("Acme Corporation", "Beta Industries", "Gamma LLC")) {
            Api.Response created = orgA.post("/v1/records",
                    "{\"type\":\"customer\",\"name\":\"" + name + "\",\"metadata\":{\"company\":\"" + name + "\",\"tier\":\"gold\"}}");
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            customerIds.add(created.body().get("id").asText());
        }
        Api.Response duplicate = orgA.post("/v1/records", "{\"type\":\"customer\",\"name\":\"Acme Corporation\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.contentType()).startsWith("application/problem+json");

        // A flow: a Liquid template, then a prompt on the built-in local model.
        Api.Response flow = orgA.post("/v1/flows", """
                {"name":"Greeting","description":"greets a record","flowSteps":[
                  {"type":"template","name":"Summary","order":1,
                   "config":{"template":"{{_record.name}} works at {{_record.metadata.company}}","outputVariable":"summary"}},
                  {"type":"prompt","name":"Greet","order":2,
                   "config":{"model":"local","userPrompt":"Write a greeting for: {{summary}}","outputVariable":"greeting"}}]}""");
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        String flowId = flow.body().get("id").asText();

        // <= 10 records run inline: 200 with per-record results (seed 003).
        Api.Response inline = orgA.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"customer\"}");
        assertThat(inline.status()).as(inline.raw()).isEqualTo(200);
        assertThat(inline.body().get("executedImmediately").asBoolean()).isTrue();
        assertThat(inline.body().get("recordCount").asInt()).isEqualTo(3);
        assertThat(inline.body().get("successCount").asInt()).isEqualTo(3);
        assertThat(inline.body().get("results")).hasSize(3);
        for (JsonNode result : inline.body().get("results")) {
            assertThat(result.get("success").asBoolean()).isTrue();
            assertThat(result.get("error").asText()).isEmpty();
            assertThat(result.get("promptsExecuted").asInt()).isEqualTo(1);
            assertThat(result.get("contextSteps").asInt()).isEqualTo(1);
        }

        // > 10 records: 202, fanned out over Kafka, observable until completion.
        Api.Response queued = orgA.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"lead\"}");
        assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
        String batchId = queued.body().get("batchId").asText();
        Api.Response batch = orgA.await("/v1/batch/status/" + batchId,
                r -> r.status() == 200 && "completed".equals(r.body().get("status").asText()), PATIENCE);
        assertThat(batch.body().get("processedRecords").asInt()).isEqualTo(12);
        assertThat(batch.body().get("failedRecords").asInt()).isZero();

        // Record results are projected by records-service from the flows' events (seed 000).
        Api.Response leadResults = orgA.await("/v1/records/" + leadIds.getFirst() + "/results?includeCount=true",
                r -> r.status() == 200 && r.body().get("data").size() == 1, PATIENCE);
        JsonNode leadResult = leadResults.body().get("data").get(0);
        assertThat(leadResult.get("flowId").asText()).isEqualTo(flowId);
        assertThat(leadResult.get("flowName").asText()).isEqualTo("Greeting");
        assertThat(leadResult.get("promptName").asText()).isEqualTo("Greet");
        assertThat(leadResult.get("result").asText()).startsWith("Local model reply");
        assertThat(leadResults.body().get("pagination").get("total").asInt()).isEqualTo(1);
        orgA.await("/v1/records/" + customerIds.getFirst() + "/results",
                r -> r.status() == 200 && r.body().get("data").size() == 1, PATIENCE);

        // Step results (seed 001): 15 records x 2 steps; the batch alone has 24.
        Api.Response steps = orgA.get("/v1/flows/" + flowId + "/step-results?limit=100");
        assertThat(steps.status()).isEqualTo(200);
        assertThat(steps.body().get("data")).hasSize(30);
        assertThat(steps.body().get("pagination").get("returned").asInt()).isEqualTo(30);
        Api.Response batchSteps = orgA.get("/v1/flows/" + flowId + "/step-results?limit=100&batchId=" + batchId);
        assertThat(batchSteps.body().get("data")).hasSize(24);
        JsonNode promptStep = null;
        for (JsonNode step : steps.body().get("data")) {
            if ("prompt".equals(step.get("stepType").asText())) {
                promptStep = step;
            }
        }
        assertThat(promptStep).isNotNull();
        assertThat(promptStep.get("totalTokens").asInt()).isPositive();
        assertThat(promptStep.get("estimatedCost").asText()).isNotBlank();

        // A schedule on the flow, run now; its run results are filled from flow events (seed 002).
        Api.Response schedule = orgA.post("/v1/schedules", """
                {"name":"Hourly customers","target":{"flowId":"%s","recordType":"customer"},
                 "trigger":{"type":"recurring","cron":"0 * * * *","timezone":"Europe/Paris"}}""".formatted(flowId));
        assertThat(schedule.status()).as(schedule.raw()).isEqualTo(201);
        String scheduleId = schedule.body().get("id").asText();
        Api.Response run = orgA.post("/v1/schedules/" + scheduleId + "/run", "{}");
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        String runId = run.body().get("runId").asText();
        Api.Response runs = orgA.await("/v1/schedules/" + scheduleId + "/runs",
                r -> r.status() == 200 && r.body().get("data").size() == 1
                        && "completed".equals(r.body().get("data").get(0).get("status").asText()), PATIENCE);
        assertThat(runs.body().get("data").get(0).get("processedRecords").asInt()).isEqualTo(3);
        Api.Response runResults = orgA.await("/v1/schedules/runs/" + runId + "/results",
                r -> r.status() == 200 && r.body().get("pagination").get("total").asInt() == 3, PATIENCE);
        for (JsonNode result : runResults.body().get("data")) {
            assertThat(result.get("status").asText()).isEqualTo("success");
            assertThat(result.get("flowId").asText()).isEqualTo(flowId);
            assertThat(result.get("record").get("type").asText()).isEqualTo("customer");
        }

        // An agent on the local model; its executions are listed with cursor pagination (seed 004).
        Api.Response agent = orgA.post("/v1/agents", "{\"name\":\"Helper\",\"config\":{\"model\":\"local\",\"systemPrompt\":\"Be brief.\"}}");
        assertThat(agent.status()).as(agent.raw()).isEqualTo(201);
        String agentId = agent.body().get("id").asText();
        Api.Response executed = orgA.post("/v1/agents/" + agentId + "/execute",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
        assertThat(executed.status()).as(executed.raw()).isEqualTo(200);
        Api.Response executions = orgA.get("/v1/agents/" + agentId + "/executions?includeCount=true");
        assertThat(executions.status()).isEqualTo(200);
        assertThat(executions.body().get("data")).hasSize(1);
        assertThat(executions.body().get("data").get(0).get("status").asText()).isEqualTo("completed");
        assertThat(executions.body().get("pagination").get("totalCount").asInt()).isEqualTo(1);

        // The flow is in use by the schedule and by an agent: deleting it is refused, flows-service having
        // asked schedules-service and agents-service over /internal with the caller's tenant.
        Api.Response user = orgA.post("/v1/agents", "{\"name\":\"Flow user\",\"primaryFlowId\":\"" + flowId + "\"}");
        assertThat(user.status()).as(user.raw()).isEqualTo(201);
        Api.Response inUse = orgA.send("DELETE", "/v1/flows/" + flowId, null);
        assertThat(inUse.status()).as(inUse.raw()).isEqualTo(409);
        assertThat(inUse.body().get("detail").asText()).contains(scheduleId).contains(user.body().get("id").asText());

        // The second organization sees none of it.
        for (String path : List.of("/v1/records/" + leadIds.getFirst(), "/v1/records/" + leadIds.getFirst() + "/results",
                "/v1/flows/" + flowId, "/v1/flows/" + flowId + "/step-results", "/v1/batch/status/" + batchId,
                "/v1/schedules/" + scheduleId, "/v1/schedules/" + scheduleId + "/runs",
                "/v1/schedules/runs/" + runId + "/results", "/v1/agents/" + agentId, "/v1/agents/" + agentId + "/executions")) {
            Api.Response hidden = orgB.get(path);
            assertThat(hidden.status()).as("org B GET " + path + " -> " + hidden.raw()).isEqualTo(404);
            assertThat(hidden.contentType()).startsWith("application/problem+json");
        }
        assertThat(orgB.get("/v1/records?type=lead").body().get("data")).isEmpty();
        assertThat(orgB.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"lead\"}").status()).isEqualTo(404);
        assertThat(orgB.post("/v1/agents/" + agentId + "/execute", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aCsvImportThroughTheGatewayFeedsAFlow() {
        // 14 prospects in one file: one bad row (its score is not an integer), one name twice (the last row wins)
        StringBuilder csv = new StringBuilder("Company,city,score\n");
        for (int i = 1; i <= 12; i++) {
            csv.append("Prospect ").append(i).append(",City ").append(i).append(',').append(i * 10).append('\n');
        }
        csv.append("Prospect 13,Nowhere,lots\n").append("Prospect 1,Paris,99\n");
        Api.Response imported = orgA.uploadCsv("/v1/records/upload-csv", Map.of("type", "prospect",
                "nameColumn", "Company", "types", "{\"score\":\"integer\"}"), csv.toString());
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().get("created").asInt()).isEqualTo(12);
        assertThat(imported.body().get("errorCount").asInt()).isEqualTo(2);
        assertThat(imported.body().get("errors").get(0).get("row").asInt()).isEqualTo(2);
        assertThat(imported.body().get("errors").get(1).get("column").asText()).isEqualTo("score");

        // importing again updates by type + name
        Api.Response again = orgA.uploadCsv("/v1/records/upload-csv", Map.of("type", "prospect", "nameColumn", "Company"),
                "Company,city\nProspect 2,Lyon\n");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(again.body().get("updated").asInt()).isEqualTo(1);
        Api.Response list = orgA.get("/v1/records?type=prospect&limit=100&includeCount=true");
        assertThat(list.body().get("pagination").get("totalCount").asInt()).isEqualTo(12);
        JsonNode paris = null;
        for (JsonNode record : list.body().get("data")) {
            if (record.get("name").asText().equals("Prospect 1")) {
                paris = record;
            }
        }
        assertThat(paris).isNotNull();
        assertThat(paris.get("metadata").get("city").asText()).isEqualTo("Paris");
        assertThat(paris.get("metadata").get("score").asInt()).isEqualTo(99);
        assertThat(orgB.get("/v1/records?type=prospect").body().get("data")).isEmpty();

        // a flow over the imported type: more than 10 records, so it fans out over Kafka
        Api.Response flow = orgA.post("/v1/flows", """
                {"name":"Prospect pitch","flowSteps":[
                  {"type":"template","name":"Context","order":1,
                   "config":{"template":"{{_record.name}} in {{_record.metadata.city}}","outputVariable":"context"}},
                  {"type":"prompt","name":"Pitch","order":2,
                   "config":{"model":"local","userPrompt":"Pitch to {{context}}","outputVariable":"pitch"}}]}""");
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        String flowId = flow.body().get("id").asText();
        Api.Response queued = orgA.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"prospect\"}");
        assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
        Api.Response batch = orgA.await("/v1/batch/status/" + queued.body().get("batchId").asText(),
                r -> r.status() == 200 && "completed".equals(r.body().get("status").asText()), PATIENCE);
        assertThat(batch.body().get("processedRecords").asInt()).isEqualTo(12);
        assertThat(batch.body().get("failedRecords").asInt()).isZero();

        // the imported record's step results and costs, projected by records-service from the flow's events
        String parisId = paris.get("id").asText();
        Api.Response steps = orgA.await("/v1/records/" + parisId + "/step-results?sortBy=order&sortOrder=asc",
                r -> r.status() == 200 && r.body().get("data").size() == 2, PATIENCE);
        assertThat(steps.body().get("data").get(0).get("outputPreview").asText()).contains("Prospect 1 in Paris");
        assertThat(steps.body().get("data").get(1).get("modelUsed").asText()).isEqualTo("local");
        Api.Response costs = orgA.await("/v1/records/" + parisId + "/costs",
                r -> r.status() == 200 && r.body().get("executionCount").asInt() == 1, PATIENCE);
        assertThat(costs.body().get("modelBreakdown").get(0).get("model").asText()).isEqualTo("local");
        assertThat(costs.body().get("totalTokens").asLong()).isPositive();
        assertThat(orgB.get("/v1/records/" + parisId + "/step-results").status()).isEqualTo(404);
        assertThat(orgB.get("/v1/records/" + parisId + "/costs").status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void badRequestsAreProblemsNeverServerErrors() {
        Api anonymous = new Api(platform.gatewayUrl(), null);
        Api.Response noKey = anonymous.get("/v1/records");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.contentType()).startsWith("application/problem+json");
        assertThat(new Api(platform.gatewayUrl(), "rt_live_nope").get("/v1/records").status()).isEqualTo(401);

        for (String path : List.of("/v1/records", "/v1/flows", "/v1/schedules", "/v1/agents")) {
            Api.Response malformed = orgA.post(path, "{\"name\": ");
            assertThat(malformed.status()).as("POST " + path + " " + malformed.raw()).isEqualTo(400);
            assertThat(malformed.contentType()).startsWith("application/problem+json");
            assertThat(malformed.body().get("code").asText()).isNotBlank();
        }
        for (String path : List.of("/v1/records?limit=abc", "/v1/records/missing_id", "/v1/flows/missing/step-results",
                "/v1/agents/missing/executions?cursor=not-a-cursor", "/v1/schedules/runs/missing/results", "/v1/nothing-here")) {
            Api.Response answer = orgA.get(path);
            assertThat(answer.status()).as("GET " + path + " " + answer.raw()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    @Order(4)
    void dataSurvivesARestart() throws Exception {
        Api.Response created = orgA.post("/v1/records", "{\"type\":\"memo\",\"name\":\"Kept across restarts\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.body().get("id").asText();

        platform.close();
        platform = LocalPlatform.start(options);

        Api.Response again = orgA.get("/v1/records/" + id);
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(again.body().get("name").asText()).isEqualTo("Kept across restarts");
        assertThat(orgA.post("/v1/records", "{\"type\":\"memo\",\"name\":\"Kept across restarts\"}").status()).isEqualTo(409);
    }

    @Test
    @Order(4)
    void aPromptStepOnAConfiguredProvider() {
        modelProvider.answerByDefault(FakeModelServer.Reply.openAi("Dear customer, thank you.", 100, 50, 0));
        for (String name : List.of("Ticket one", "Ticket two")) {
            assertThat(orgA.post("/v1/records", "{\"type\":\"ticket\",\"name\":\"" + name + "\"}").status()).isEqualTo(201);
        }
        Api.Response flow = orgA.post("/v1/flows", """
                {"name":"Reply","flowSteps":[{"type":"prompt","name":"Draft reply",
                  "config":{"model":"gpt-4o","userPrompt":"Draft a reply to {{_record.name}}","outputVariable":"reply"}}]}""");
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        String flowId = flow.body().get("id").asText();

        Api.Response run = orgA.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"ticket\"}");
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        assertThat(run.body().get("successCount").asInt()).as(run.raw()).isEqualTo(2);

        Api.Response steps = orgA.get("/v1/flows/" + flowId + "/step-results");
        assertThat(steps.body().get("data")).hasSize(2).allSatisfy(row -> {
            assertThat(row.get("modelUsed").asText()).isEqualTo("gpt-4o");
            assertThat(row.get("promptTokens").asInt()).isEqualTo(100);
            assertThat(row.get("completionTokens").asInt()).isEqualTo(50);
            assertThat(row.get("estimatedCost").asText()).isEqualTo("0.00075"); // 100 × 2.5/M + 50 × 10/M
            assertThat(row.get("outputPreview").asText()).isEqualTo("Dear customer, thank you.");
        });
        assertThat(modelProvider.requests()).hasSize(2).allSatisfy(request -> {
            assertThat(request.header("Authorization")).isEqualTo("Bearer sk-e2e-test");
            assertThat(request.body()).contains("gpt-4o-2024-08-06").contains("Draft a reply to Ticket");
        });
    }

    /** Issue 7's pipeline: api-call → transform-data → conditional → prompt, on the configured provider, through the gateway. */
    @Test
    @Order(5)
    void anApiCallTransformConditionalPromptPipeline() {
        modelProvider.answerByDefault(FakeModelServer.Reply.openAi("Enterprise pitch ready.", 40, 10, 0));
        int requestsBefore = modelProvider.requests().size();
        for (String name : List.of("BigCo", "TinyCo")) {
            assertThat(orgA.post("/v1/records", "{\"type\":\"pipeline-prospect\",\"name\":\"" + name + "\"}").status()).isEqualTo(201);
        }
        String crmUrl = "http://127.0.0.1:" + crm.getAddress().getPort() + "/crm?name={{_record.name}}";
        Api.Response flow = orgA.post("/v1/flows", """
                {"name":"Prospect pipeline","flowSteps":[
                  {"type":"api-call","name":"Lookup","config":{"http":{"url":"%s","method":"GET"},
                     "responseMapping":{"employees":"company.employees"},"outputVariable":"crm"}},
                  {"type":"transform-data","name":"Size","config":{"script":"return { big: input.crm.employees > 100, employees: input.crm.employees };","outputVariable":"size"}},
                  {"type":"conditional","name":"Is big","config":{"condition":"input.size.big",
                     "trueSteps":[{"type":"prompt","name":"Pitch","config":{"model":"gpt-4o",
                        "userPrompt":"Write an enterprise pitch for {{_record.name}} ({{size.employees}} people)","outputVariable":"pitch"}}],
                     "falseSteps":[{"type":"template","name":"Note","config":{"template":"small business {{_record.name}}","outputVariable":"pitch"}}]}}
                ]}""".formatted(crmUrl));
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        String flowId = flow.body().get("id").asText();

        Api.Response run = orgA.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"pipeline-prospect\"}");
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        assertThat(run.body().get("successCount").asInt()).as(run.raw()).isEqualTo(2);

        Api.Response steps = orgA.get("/v1/flows/" + flowId + "/step-results?limit=50");
        Map<String, String> outputs = new java.util.HashMap<>();
        steps.body().get("data").forEach(row -> {
            assertThat(row.get("status").asText()).as(row.toString()).isIn("completed", "skipped");
            if (row.get("status").asText().equals("completed")) {
                outputs.put(row.get("recordName").asText() + "/" + row.get("stepName").asText(), row.get("outputPreview").asText());
            }
        });
        assertThat(outputs).containsEntry("BigCo/Pitch", "Enterprise pitch ready.")
                .containsEntry("TinyCo/Note", "small business TinyCo")
                .doesNotContainKey("BigCo/Note").doesNotContainKey("TinyCo/Pitch");
        assertThat(outputs.get("BigCo/Size")).contains("500");
        // one model call, for the big prospect only, with the API's answer and the script's result in its prompt
        assertThat(modelProvider.requests().subList(requestsBefore, modelProvider.requests().size())).singleElement()
                .satisfies(request -> assertThat(request.body()).contains("Write an enterprise pitch for BigCo (500 people)"));
    }

    /**
     * An agent calls a flow as a tool, through the gateway, streaming: the agent's capability binds the
     * flow; the local model's deterministic tool mode ({@code @facts{...}} in the message) calls it;
     * agents-service runs it through flows-service's internal inline run over HTTP; the SSE stream is
     * read frame by frame as it arrives — ids are the 0-based seq, tool_start/tool_complete for the flow
     * tool, exactly one terminal execution_complete, last. The flow's step results link back to the call.
     */
    @Test
    @Order(6)
    void anAgentCallsAFlowAsAToolThroughTheGatewayStreaming() throws Exception {
        Api.Response flow = orgA.post("/v1/flows", """
                {"name":"Facts","flowSteps":[{"type":"template","name":"Facts","config":{"template":"Facts about {{topic}}: they purr."}}]}""");
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        String flowId = flow.body().get("id").asText();
        Api.Response agent = orgA.post("/v1/agents", "{\"name\":\"Fact finder\",\"config\":{\"model\":\"local\"}}");
        assertThat(agent.status()).as(agent.raw()).isEqualTo(201);
        String agentId = agent.body().get("id").asText();
        Api.Response capability = orgA.post("/v1/agents/" + agentId + "/capabilities",
                "{\"toolName\":\"facts\",\"flowId\":\"" + flowId + "\",\"toolDescription\":\"Facts about a topic\"}");
        assertThat(capability.status()).as(capability.raw()).isEqualTo(201);
        assertThat(orgA.get("/v1/agents/" + agentId).body().get("capabilities").get(0).get("flowId").asText()).isEqualTo(flowId);
        // another organization cannot bind the flow, nor touch the agent's capabilities
        assertThat(orgB.post("/v1/agents/" + agentId + "/capabilities", "{\"toolName\":\"x\",\"flowId\":\"" + flowId + "\"}")
                .status()).isEqualTo(404);

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(platform.gatewayUrl() + "/v1/agents/" + agentId + "/execute"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + orgA.apiKey())
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        {"messages":[{"role":"user","content":"Tell me @facts{\\"topic\\":\\"cats\\"}"}],"options":{"streamResponse":true}}"""))
                .build();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> response =
                http.send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");

        List<JsonNode> frames = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try (java.util.stream.Stream<String> lines = response.body()) {
            java.util.Iterator<String> it = lines.iterator();
            StringBuilder data = new StringBuilder();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("id:")) {
                    ids.add(Integer.parseInt(line.substring(3).trim()));
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    frames.add(mapper.readTree(data.toString()));
                    data.setLength(0);
                }
            }
            if (!data.isEmpty()) {
                frames.add(mapper.readTree(data.toString()));
            }
        }
        List<String> types = frames.stream().map(f -> f.get("type").asText()).toList();
        assertThat(types.getFirst()).isEqualTo("execution_start");
        assertThat(types.getLast()).isEqualTo("execution_complete");
        assertThat(types.stream().filter(t -> t.equals("execution_complete") || t.equals("execution_error"))).hasSize(1);
        assertThat(types).containsSubsequence("execution_start", "turn_start", "tool_start", "tool_complete",
                "turn_complete", "turn_start", "turn_complete", "execution_complete");
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).get("seq").asInt()).isEqualTo(i);
        }
        assertThat(ids).isEqualTo(java.util.stream.IntStream.range(0, frames.size()).boxed().toList());

        JsonNode toolStart = frames.get(types.indexOf("tool_start"));
        assertThat(toolStart.get("toolName").asText()).isEqualTo("facts");
        assertThat(toolStart.get("parameters").get("topic").asText()).isEqualTo("cats");
        JsonNode toolComplete = frames.get(types.indexOf("tool_complete"));
        assertThat(toolComplete.get("toolType").asText()).isEqualTo("flow");
        assertThat(toolComplete.get("success").asBoolean()).as(toolComplete.toString()).isTrue();
        assertThat(toolComplete.get("result").get("result").asText()).isEqualTo("Facts about cats: they purr.");
        String flowExecutionId = toolComplete.get("result").get("flowExecutionId").asText();
        JsonNode complete = frames.getLast();
        assertThat(complete.get("success").asBoolean()).isTrue();
        assertThat(complete.get("finalOutput").asText()).contains("Facts about cats");

        // the flow's step results are tied to the agent's tool call and execution
        String toolCallId = toolComplete.get("toolCallId").asText();
        Api.Response steps = orgA.get("/v1/flows/" + flowId + "/step-results?includeDetails=true&recordId=" + toolCallId);
        assertThat(steps.status()).as(steps.raw()).isEqualTo(200);
        assertThat(steps.body().get("data")).hasSize(1);
        assertThat(steps.body().get("data").get(0).get("executionSessionId").asText()).isEqualTo(flowExecutionId);
        assertThat(steps.raw()).contains(complete.get("executionId").asText());
        // the agent execution's tool call (A12) carries the flow execution's id
        Api.Response call = orgA.get("/v1/agents/" + agentId + "/executions/" + complete.get("executionId").asText()
                + "/tool-calls/" + toolCallId);
        assertThat(call.status()).as(call.raw()).isEqualTo(200);
        assertThat(call.body().get("outputResult").get("flowExecutionId").asText()).isEqualTo(flowExecutionId);
    }
}
