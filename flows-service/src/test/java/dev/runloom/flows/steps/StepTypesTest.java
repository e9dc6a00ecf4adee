package dev.runloom.flows.steps;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.cloudevents.CloudEvent;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every core step type through the API: a flow is saved (its steps checked), run on the records of a
 * type in the request, and its step results read back. The record source, the record store, the
 * agents service and a third-party API are fakes served over HTTP on 127.0.0.1 (allow-listed for the
 * outbound guard here); send-event is read from Kafka.
 */
@ServiceTest("flows")
class StepTypesTest implements TestPropertyProvider {
    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject io.micronaut.json.JsonMapper jsonMapper;
    final FakeRecordStore records = new FakeRecordStore();
    final FakeAgents agents = new FakeAgents();
    final FakeRemoteApi remote = new FakeRemoteApi();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(records.serviceProperties());
        properties.putAll(agents.serviceProperties());
        properties.put("runloom.outbound-http.allowed-hosts", "127.0.0.1");
        properties.put("runloom.outbound-http.max-response-bytes", "16384");
        properties.put("runloom.flows.scripts.cpu-limit", "500ms");
        properties.put("micronaut.server.port", "-1"); // other worktrees' tests may hold 8082
        return properties;
    }

    @BeforeAll
    void seed() {
        records.add("org_a", "lead", "lead_1", "Initech", Map.of("employees", 50, "city", "Austin"));
        records.add("org_a", "lead", "lead_2", "Hooli", Map.of("employees", 500, "city", "Palo Alto"));
        records.add("org_a", "solo", "solo_1", "Only", Map.of("employees", 7));
    }

    @AfterAll
    void stop() {
        records.close();
        agents.close();
        remote.close();
    }

    // ------------------------------------------------------------------------------------ helpers

    private static Map<String, Object> step(String type, String name, Map<String, Object> config) {
        return Map.of("type", type, "name", name, "config", config);
    }

    private static Map<String, Object> with(Map<String, Object> step, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(step);
        copy.put(key, value);
        return copy;
    }

    private String createFlow(List<Map<String, Object>> steps) {
        Reply created = api.post("/v1/flows", Map.of("name", "Steps", "flowSteps", steps), ORG_A);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.string("id");
    }

    private Reply save(List<Map<String, Object>> steps) {
        return api.post("/v1/flows", Map.of("name", "Steps", "flowSteps", steps), ORG_A);
    }

    /** Runs the flow over the "solo" type (one record) and answers the record's result. */
    private Map<String, Object> runSolo(String flowId) {
        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "solo"), ORG_A);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.list("results").getFirst();
    }

    /** The step results of one record, by step name (the last row of each name). */
    private Map<String, Map<String, Object>> rows(String flowId, String recordId) {
        List<Map<String, Object>> data = api.get("/v1/flows/" + flowId + "/step-results?limit=100&recordId=" + recordId,
                ORG_A).list("data");
        return data.stream().collect(Collectors.toMap(r -> (String) r.get("stepName"), Function.identity(), (a, b) -> a));
    }

    // ------------------------------------------------------------------------------------ tests

    @Test
    void templateOutputFormatsAreApplied() {
        String flowId = createFlow(List.of(
                step("template", "Markdown", Map.of("template", "# {{_record.name}}\n\n*{{_record.metadata.employees}}* <b>raw</b>",
                        "outputFormat", "markdown")),
                step("template", "Html", Map.of("template", "<p onclick=\"x()\">{{_record.name}}</p><script>alert(1)</script>",
                        "outputFormat", "html")),
                step("template", "Text", Map.of("template", "{{markdown | size}}"))));
        runSolo(flowId);
        Map<String, Map<String, Object>> rows = rows(flowId, "solo_1");
        assertThat(rows.get("Markdown").get("outputPreview")).isEqualTo("<h1>Only</h1>\n<p><em>7</em> &lt;b&gt;raw&lt;/b&gt;</p>\n");
        assertThat(rows.get("Html").get("outputPreview")).isEqualTo("<p>Only</p>");
        assertThat(rows.get("Text")).containsEntry("status", "completed");
    }

    @Test
    void strictTemplatesKnowTheVariablesOfEarlierSteps() {
        Reply unknown = save(List.of(step("template", "Strict", Map.of("template", "{{ summary }} {{_record.name}}",
                "strictVariables", true))));
        unknown.assertProblem(400, "validation_failed");
        assertThat(unknown.string("detail")).contains("Step 'Strict' (#1)").contains("config.template").contains("summary");

        String flowId = createFlow(List.of(
                step("set-variable", "Summary", Map.of("value", "short")),
                step("template", "Strict", Map.of("template", "{% for x in (1..2) %}{{x}}{% endfor %} {{ summary | upcase }}",
                        "strictVariables", true))));
        runSolo(flowId);
        assertThat(rows(flowId, "solo_1").get("Strict")).containsEntry("outputPreview", "12 SHORT");
    }

    @Test
    void setVariableTransformConditionalAndWhenWorkTogether() {
        String flowId = createFlow(List.of(
                step("set-variable", "Threshold", Map.of("variableName", "threshold", "value", Map.of("min", 100, "label", "{{_record.name}}"))),
                step("transform-data", "Score", Map.of("script", """
                        const size = input._record.metadata.employees;
                        return { size, big: size >= variables.threshold.min, label: input.threshold.label };""")),
                step("conditional", "Is big", Map.of("condition", "input.score.big",
                        "trueSteps", List.of(step("template", "Big", Map.of("template", "big {{score.size}}", "outputVariable", "verdict"))),
                        "falseSteps", List.of(step("template", "Small", Map.of("template", "small {{score.label}}", "outputVariable", "verdict"))))),
                with(step("template", "Only Hooli", Map.of("template", "hello Hooli")), "when", "input._record.name === 'Hooli'"),
                step("template", "Verdict", Map.of("template", "{{verdict}}"))));

        Reply reply = api.post("/v1/flows/" + flowId + "/run-on-record-type", Map.of("recordType", "lead"), ORG_A);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.body()).containsEntry("successCount", 2);

        Map<String, Map<String, Object>> initech = rows(flowId, "lead_1");
        assertThat(initech.get("Score").get("outputPreview")).isEqualTo("{\"size\":50,\"big\":false,\"label\":\"Initech\"}");
        assertThat(initech.get("Is big")).containsEntry("outputPreview", "false");
        assertThat(initech).containsKey("Small").doesNotContainKey("Big");
        assertThat(initech.get("Only Hooli")).containsEntry("status", "skipped");
        assertThat(initech.get("Verdict")).containsEntry("outputPreview", "small Initech");

        Map<String, Map<String, Object>> hooli = rows(flowId, "lead_2");
        assertThat(hooli.get("Verdict")).containsEntry("outputPreview", "big 500");
        assertThat(hooli.get("Only Hooli")).containsEntry("status", "completed");
        // the flow's own definition keeps the branches, checked and completed like top-level steps
        Map<String, Object> conditional = api.get("/v1/flows/" + flowId, ORG_A).list("flowSteps").get(2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> trueSteps = (List<Map<String, Object>>) ((Map<?, ?>) conditional.get("config")).get("trueSteps");
        assertThat(trueSteps).singleElement().satisfies(s -> assertThat(s).containsEntry("type", "template").containsKey("id"));
    }

    @Test
    void aFailingStepContinuesByDefaultAndHardFailStopsTheRest() {
        String flowId = createFlow(List.of(
                step("transform-data", "Throws", Map.of("script", "throw new Error('bad data')")),
                step("template", "After", Map.of("template", "after [{{throws}}]"))));
        Map<String, Object> result = runSolo(flowId);
        assertThat(result).containsEntry("success", false);
        assertThat((String) result.get("error")).contains("Throws").contains("bad data");
        Map<String, Map<String, Object>> rows = rows(flowId, "solo_1");
        assertThat(rows.get("Throws")).containsEntry("status", "failed");
        assertThat((String) rows.get("Throws").get("errorMessage")).contains("bad data");
        assertThat(rows.get("After")).containsEntry("status", "completed").containsEntry("outputPreview", "after []");

        String hard = createFlow(List.of(
                step("transform-data", "Throws", Map.of("script", "throw new Error('stop here')",
                        "errorHandling", Map.of("onError", "fail"))),
                step("template", "After", Map.of("template", "never"))));
        runSolo(hard);
        assertThat(rows(hard, "solo_1").get("After")).containsEntry("status", "skipped");
    }

    @Test
    void sandboxLimitsFailOnlyTheStep() {
        String flowId = createFlow(List.of(
                step("transform-data", "Loop", Map.of("script", "while (true) {}")),
                step("transform-data", "Bomb", Map.of("script", "const a = []; while (true) { a.push(new Array(1000000).fill(1)); }")),
                step("transform-data", "Host", Map.of("script", "typeof Java + typeof require + typeof fetch")),
                step("template", "Still here", Map.of("template", "alive"))));
        runSolo(flowId);
        Map<String, Map<String, Object>> rows = rows(flowId, "solo_1");
        assertThat(rows.get("Loop")).containsEntry("status", "failed");
        assertThat((String) rows.get("Loop").get("errorMessage")).contains("CPU time");
        assertThat(rows.get("Bomb")).containsEntry("status", "failed");
        assertThat(rows.get("Host")).containsEntry("outputPreview", "undefinedundefinedundefined");
        assertThat(rows.get("Still here")).containsEntry("outputPreview", "alive");
        assertThat(api.get("/v1/flows/" + flowId, ORG_A).status()).isEqualTo(200);
    }

    @Test
    void httpStepsCallTheFakeApiThroughTheGuard() {
        String flowId = createFlow(List.of(
                step("fetch-url", "Items", Map.of("http", Map.of("url", remote.url("/items")))),
                step("fetch-url", "Text", Map.of("http", Map.of("url", remote.url("/text")))),
                step("api-call", "Echo", Map.of(
                        "http", Map.of("url", remote.url("/echo"), "method", "POST"),
                        "auth", Map.of("type", "bearer", "token", "tok-{{_record.id}}"),
                        "requestTemplate", "{\"first\": \"{{items.data.items[0].name}}\", \"who\": \"{{_record.name}}\"}",
                        "responseMapping", Map.of("auth", "auth", "first", "body.first", "type", "contentType"))),
                step("api-call", "Price", Map.of("http", Map.of("url", remote.url("/items")), "responseMapping", "data.items[1].price")),
                step("fetch-url", "Broken", Map.of("http", Map.of("url", remote.url("/broken")))),
                step("fetch-url", "Private", Map.of("http", Map.of("url", "http://10.0.0.1/admin"))),
                step("fetch-url", "Redirected", Map.of("http", Map.of("url", remote.url("/to-private")))),
                step("fetch-url", "Huge", Map.of("http", Map.of("url", remote.url("/huge")))),
                step("fetch-url", "Metadata", Map.of("http", Map.of("url", "http://169.254.169.254/latest/meta-data/"))),
                with(step("fetch-url", "Flaky", Map.of("http", Map.of("url", remote.url("/flaky")),
                        "errorHandling", Map.of("retries", 2, "backoffMs", 10))), "enabled", true)));
        runSolo(flowId);
        Map<String, Map<String, Object>> rows = rows(flowId, "solo_1");
        assertThat((String) rows.get("Items").get("outputPreview")).contains("\"widget\"");
        assertThat(rows.get("Text")).containsEntry("outputPreview", "plain words");
        assertThat(parse(rows.get("Echo").get("outputPreview")))
                .isEqualTo(Map.of("auth", "Bearer tok-solo_1", "first", "widget", "type", "application/json"));
        assertThat(rows.get("Price")).containsEntry("outputPreview", "9");
        assertThat(rows.get("Broken")).containsEntry("status", "failed");
        assertThat((String) rows.get("Broken").get("errorMessage")).contains("HTTP 500").contains("upstream exploded");
        assertThat((String) rows.get("Private").get("errorMessage")).contains("refused").contains("private");
        assertThat((String) rows.get("Redirected").get("errorMessage")).contains("refused").contains("10.0.0.1");
        assertThat((String) rows.get("Huge").get("errorMessage")).contains("larger than 16384 bytes");
        assertThat((String) rows.get("Metadata").get("errorMessage")).contains("cloud metadata");
        assertThat(rows.get("Flaky")).containsEntry("status", "completed").containsEntry("retryCount", 2);
        assertThat(remote.requests).doesNotContain("GET /admin");
    }

    @Test
    void recordStepsWriteOnceEvenWhenRetried() {
        String flowId = createFlow(List.of(
                step("transform-data", "Profile", Map.of("script", "({ company: input._record.name, size: input._record.metadata.employees })")),
                step("upsert-record", "Save profile", Map.of("recordType", "profile", "recordName", "{{_record.name}} profile",
                        "sourceVariable", "profile", "errorHandling", Map.of("retries", 1, "backoffMs", 10))),
                step("retrieve-record", "Load profile", Map.of("recordType", "profile", "recordName", "Only profile")),
                step("update-record", "Mark", Map.of("recordId", "{{_record.id}}", "updates", Map.of("profiled", true,
                        "profileId", "{{load_profile.id}}"), "errorHandling", Map.of("retries", 1, "backoffMs", 10))),
                step("retrieve-record", "By filter", Map.of("recordFilter", Map.of("type", "profile",
                        "where", Map.of("field", "company", "op", "eq", "value", "{{_record.name}}")))),
                step("upsert-record", "Not an object", Map.of("recordType", "profile", "sourceVariable", "_record.name"))));
        records.failNextWriteAfterWriting(); // the upsert is written, its reply lost: the retry must not write again
        int before = records.writes.get();
        Map<String, Object> result = runSolo(flowId);

        Map<String, Map<String, Object>> rows = rows(flowId, "solo_1");
        assertThat(rows.get("Save profile")).containsEntry("status", "completed").containsEntry("retryCount", 1);
        assertThat(records.writes.get() - before).isEqualTo(2); // one upsert, one update
        assertThat((String) rows.get("Load profile").get("outputPreview")).contains("\"company\":\"Only\"");
        assertThat(records.get("solo_1").get("metadata")).isEqualTo(Map.of("employees", 7, "profiled", true,
                "profileId", records.all().stream().filter(r -> "Only profile".equals(r.get("name"))).findFirst()
                        .orElseThrow().get("id")));
        assertThat((String) rows.get("By filter").get("outputPreview")).contains("Only profile");
        assertThat(rows.get("Not an object")).containsEntry("status", "failed");
        assertThat((String) rows.get("Not an object").get("errorMessage")).contains("not a JSON object");
        assertThat(result).containsEntry("success", false);
    }

    @Test
    void executeAgentRunsOncePerStepAndCountsItsCost() {
        String flowId = createFlow(List.of(
                step("execute-agent", "Ask agent", Map.of("agentId", "agent_ok", "message", "Research {{_record.name}}",
                        "errorHandling", Map.of("retries", 1, "backoffMs", 10))),
                step("execute-agent", "Broken agent", Map.of("agentId", "agent_broken", "message", "hi")),
                step("execute-agent", "Missing agent", Map.of("agentId", "agent_nope", "message", "hi")),
                step("template", "Use", Map.of("template", "{{ask_agent}}"))));
        agents.failNextRunAfterRunning();
        int before = agents.runs.get();
        runSolo(flowId);
        Map<String, Map<String, Object>> rows = rows(flowId, "solo_1");
        assertThat(rows.get("Ask agent")).containsEntry("status", "completed").containsEntry("retryCount", 1)
                .containsEntry("outputPreview", "Agent says: Research Only").containsEntry("estimatedCost", "0.0021");
        assertThat(agents.runs.get() - before).isEqualTo(2); // Ask agent once despite its retry, Broken agent once
        assertThat((String) rows.get("Broken agent").get("errorMessage")).contains("failed").contains("unavailable");
        assertThat((String) rows.get("Missing agent").get("errorMessage")).contains("agent_nope").contains("not found");
        assertThat(rows.get("Use")).containsEntry("outputPreview", "Agent says: Research Only");
    }

    @Test
    void sendEventPublishesACloudEventKeyedByOrganization() {
        String flowId = createFlow(List.of(
                step("set-variable", "Lead", Map.of("value", Map.of("name", "{{_record.name}}", "size", "{{_record.metadata.employees}}"))),
                step("send-event", "Announce", Map.of("eventType", "lead.scored", "sourceVariable", "lead")),
                step("send-event", "Ping", Map.of("eventType", "lead.pinged", "data", "pinged {{_record.id}}"))));
        runSolo(flowId);

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<CloudEvent> events = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(env.topic(FlowEvents.CUSTOM_EVENTS)));
            Poll.until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(CloudEventCodec.fromRecord(record));
                    keys.add(record.key());
                }
                return events.size();
            }, n -> n >= 2, Duration.ofSeconds(30));
        }
        assertThat(keys).containsOnly("org_a");
        CloudEvent announce = events.stream().filter(e -> "lead.scored".equals(e.getSubject())).findFirst().orElseThrow();
        assertThat(announce.getType()).isEqualTo(FlowEvents.CUSTOM_EVENT.type());
        assertThat(announce.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).hasToString("org_a");
        Map<String, Object> data = parse(new String(announce.getData().toBytes(), StandardCharsets.UTF_8));
        assertThat(data).containsEntry("eventType", "lead.scored").containsEntry("flowId", flowId)
                .containsEntry("data", Map.of("name", "Only", "size", 7)).containsEntry("recordId", "solo_1")
                .containsEntry("organizationId", "org_a");
        assertThat((String) data.get("idempotencyKey")).endsWith(":" + data.get("stepId"));
    }

    @Test
    void badStepConfigsAreRefusedWhenSavedNamingTheStepAndField() {
        expect400(List.of(step("transform-data", "Parse", Map.of("script", "return {"))), "Step 'Parse' (#1)", "config.script");
        expect400(List.of(with(step("template", "Maybe", Map.of("template", "x")), "when", "input.a ==")), "Step 'Maybe' (#1)", "when");
        expect400(List.of(step("conditional", "Branch", Map.of("condition", "input.x >"))), "Step 'Branch' (#1)", "config.condition");
        expect400(List.of(step("fetch-url", "Fetch", Map.of("http", Map.of("url", "ftp://example.com/file")))), "Step 'Fetch' (#1)", "config.http.url");
        expect400(List.of(step("fetch-url", "Fetch", Map.of("http", Map.of("url", "not a url at all")))), "Step 'Fetch' (#1)", "config.http.url");
        expect400(List.of(step("api-call", "Call", Map.of("http", Map.of("method", "GET")))), "Step 'Call' (#1)", "config.http.url");
        expect400(List.of(step("api-call", "Call", Map.of("http", Map.of("url", "https://api.example.com", "method", "BREW")))), "Step 'Call' (#1)", "config.http.method");
        expect400(List.of(step("api-call", "Call", Map.of("http", Map.of("url", "https://api.example.com"),
                "auth", Map.of("type", "bearer")))), "Step 'Call' (#1)", "config.auth.token");
        expect400(List.of(step("api-call", "Call", Map.of("http", Map.of("url", "https://api.example.com"),
                "responseMapping", Map.of("x", "a..b")))), "Step 'Call' (#1)", "config.responseMapping.x");
        expect400(List.of(step("upsert-record", "Save", Map.of("recordType", "t"))), "Step 'Save' (#1)", "config.sourceVariable");
        expect400(List.of(step("update-record", "Update", Map.of("updates", Map.of("a", 1)))), "Step 'Update' (#1)", "config.recordId");
        expect400(List.of(step("retrieve-record", "Load", Map.of())), "Step 'Load' (#1)", "config.recordType");
        expect400(List.of(step("execute-agent", "Agent", Map.of("message", "hi"))), "Step 'Agent' (#1)", "config.agentId");
        expect400(List.of(step("send-event", "Send", Map.of("eventType", "bad type!", "data", 1))), "Step 'Send' (#1)", "config.eventType");
        expect400(List.of(step("set-variable", "Set", Map.of())), "Step 'Set' (#1)", "config.value");
        expect400(List.of(step("template", "T", Map.of("template", "x", "outputFormat", "pdf"))), "Step 'T' (#1)", "config.outputFormat");
        expect400(List.of(step("template", "T", Map.of("template", "x", "errorHandling", Map.of("onError", "explode")))),
                "Step 'T' (#1)", "config.errorHandling.onError");
        expect400(List.of(step("template", "T", Map.of("template", "x", "errorHandling", Map.of("retries", 9)))),
                "Step 'T' (#1)", "config.errorHandling.retries");
        expect400(List.of(step("conditional", "Outer", Map.of("condition", "true",
                "trueSteps", List.of(step("transform-data", "Inner", Map.of("script", "(")))))), "Inner", "config.script");

        Reply unsupported = save(List.of(step("send-email", "Mail", Map.of())));
        unsupported.assertProblem(400, "unsupported_step_type");
        assertThat(unsupported.string("detail")).contains("Step 'Mail' (#1)").contains("api-call").contains("conditional")
                .contains("execute-agent").contains("fetch-url").contains("retrieve-record").contains("send-event")
                .contains("set-variable").contains("template").contains("transform-data").contains("update-record")
                .contains("upsert-record");
    }

    @Test
    void conditionalsNestAtMostTenDeep() {
        assertThat(save(List.of(nestedConditional(10))).status()).isEqualTo(201);
        Reply tooDeep = save(List.of(nestedConditional(11)));
        tooDeep.assertProblem(400, "validation_failed");
        assertThat(tooDeep.string("detail")).contains("nested at most 10 levels");
    }

    private static Map<String, Object> nestedConditional(int depth) {
        Map<String, Object> step = step("template", "Leaf", Map.of("template", "leaf"));
        for (int level = depth; level >= 1; level--) {
            step = step("conditional", "Level " + level, Map.of("condition", "true", "trueSteps", List.of(step)));
        }
        return step;
    }

    private Map<String, Object> parse(Object json) {
        try {
            return jsonMapper.readValue((String) json, io.micronaut.core.type.Argument.mapOf(String.class, Object.class));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void expect400(List<Map<String, Object>> steps, String stepLabel, String field) {
        Reply reply = save(steps);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
        assertThat(reply.string("detail")).as(reply.raw()).contains(stepLabel).contains(field);
    }
}
