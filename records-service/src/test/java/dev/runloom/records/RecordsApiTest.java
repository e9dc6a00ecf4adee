package dev.runloom.records;

import dev.runloom.events.EventStream;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.records.events.RecordCreatedV1;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.testsupport.ApiClient.Reply;
import io.cloudevents.CloudEvent;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** Records over HTTP (create, get, list, internal reads, bad input) and the RecordCreatedV1 event on Kafka. */
@ServiceTest("records")
class RecordsApiTest {
    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;


    @Test
    void createsAndReadsARecord() {
        Map<String, Object> metadata = Map.of("priority", "high", "score", 7, "nested", Map.of("tags", List.of("a", "b")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "customers");
        body.put("name", "Acme Inc");
        body.put("metadata", metadata);
        body.put("messages", List.of(Map.of("role", "system", "content", "be nice")));
        Reply created = api.post("/v1/records", body, ORG_A);

        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        Map<String, Object> record = created.body();
        assertThat((String) record.get("id")).startsWith("record_");
        assertThat(record).containsEntry("type", "customers").containsEntry("name", "Acme Inc")
                .containsEntry("organizationId", "org_a").containsEntry("userId", "user_a")
                .containsEntry("metadata", metadata)
                .containsEntry("messages", List.of(Map.of("role", "system", "content", "be nice")))
                .containsKey("productSurfaceId");
        assertThat(record.get("productSurfaceId")).isNull();
        assertThat((String) record.get("createdAt")).endsWith("Z");
        assertThat(record.get("updatedAt")).isEqualTo(record.get("createdAt"));
        Instant.parse((String) record.get("createdAt"));

        Reply fetched = api.get("/v1/records/" + record.get("id"), ORG_A);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(record);

        // metadata defaults to {} and messages to null; nulls are written, not omitted
        Reply minimal = api.post("/v1/records", "{\"type\":\"customers\",\"name\":\"Minimal\"}", ORG_A);
        assertThat(minimal.status()).isEqualTo(201);
        assertThat(minimal.body()).containsEntry("metadata", Map.of()).containsKey("messages");
        assertThat(minimal.body().get("messages")).isNull();
    }

    @Test
    void duplicateTypeAndNameConflictsOnlyWithinTheSameTypeAndOrganization() {
        createRecord(api, ORG_A, "dup-type", "Same Name", Map.of());

        api.post("/v1/records", Map.of("type", "dup-type", "name", "Same Name"), ORG_A)
                .assertProblem(409, "record_exists");

        assertThat(api.post("/v1/records", Map.of("type", "dup-type-2", "name", "Same Name"), ORG_A).status())
                .isEqualTo(201);
        assertThat(api.post("/v1/records", Map.of("type", "dup-type", "name", "Same Name"), ORG_B).status())
                .isEqualTo(201);
    }

    @Test
    void concurrentCreatesOfTheSameRecordYieldOneRecordAndConflicts() throws Exception {
        int attempts = 8;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                replies.add(pool.submit(() -> api.post("/v1/records", Map.of("type", "race", "name", "contested"), ORG_A)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Reply> reply : replies) {
                statuses.add(reply.get().status());
            }
            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.get("/v1/records?type=race&includeCount=true", ORG_A).pagination().get("totalCount")).isEqualTo(1);
    }

    @Test
    void listsNewestFirstWithCursorPages() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add((String) createRecord(api, ORG_A, "paged", "item " + i, Map.of("i", i)).get("id"));
        }
        createRecord(api, ORG_A, "paged-other", "not listed", Map.of());
        createRecord(api, ORG_B, "paged", "other org", Map.of());
        List<String> newestFirst = new ArrayList<>(ids.reversed());

        Reply first = api.get("/v1/records?type=paged&limit=3&includeCount=true", ORG_A);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.data()).extracting(r -> r.get("id")).containsExactlyElementsOf(newestFirst.subList(0, 3));
        Map<String, Object> p1 = first.pagination();
        assertThat(p1).containsEntry("hasMore", true).containsEntry("hasPrev", false).containsEntry("limit", 3)
                .containsEntry("currentOffset", 0).containsEntry("totalCount", 7).containsEntry("totalPages", 3)
                .containsEntry("currentPage", 1).containsKey("prevCursor");
        assertThat(p1.get("nextCursor")).isNotNull();

        Reply second = api.get("/v1/records?type=paged&limit=3&cursor=" + p1.get("nextCursor"), ORG_A);
        assertThat(second.data()).extracting(r -> r.get("id")).containsExactlyElementsOf(newestFirst.subList(3, 6));
        Map<String, Object> p2 = second.pagination();
        assertThat(p2).containsEntry("hasMore", true).containsEntry("hasPrev", true).containsEntry("currentOffset", 3)
                .doesNotContainKeys("totalCount", "totalPages", "currentPage");

        Reply third = api.get("/v1/records?type=paged&limit=3&includeCount=true&cursor=" + p2.get("nextCursor"), ORG_A);
        assertThat(third.data()).extracting(r -> r.get("id")).containsExactly(newestFirst.get(6));
        assertThat(third.pagination()).containsEntry("hasMore", false).containsEntry("nextCursor", null)
                .containsEntry("currentOffset", 6).containsEntry("currentPage", 3).containsEntry("totalCount", 7);

        // without a type filter the organization's other records are listed too, but never another org's
        Reply all = api.get("/v1/records?limit=100", ORG_A);
        assertThat(all.data()).extracting(r -> r.get("organizationId")).containsOnly("org_a");
        assertThat(all.data()).extracting(r -> r.get("name")).contains("not listed").doesNotContain("other org");
        assertThat(all.pagination()).containsEntry("limit", 100).containsEntry("hasMore", false);
        Reply defaults = api.get("/v1/records", ORG_A);
        assertThat(defaults.pagination()).containsEntry("limit", 50);
    }

    @Test
    void internalEndpointPagesThroughRecordsOfATypeInIdOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add((String) createRecord(api, ORG_A, "batch-source", "r" + i, Map.of("n", i)).get("id"));
        }
        createRecord(api, ORG_B, "batch-source", "other org", Map.of());

        List<Map<String, Object>> seen = new ArrayList<>();
        String after = "";
        int pages = 0;
        do {
            Reply page = api.get("/internal/records?type=batch-source&limit=2&after=" + after, ORG_A);
            assertThat(page.status()).as(page.raw()).isEqualTo(200);
            seen.addAll(page.data());
            pages++;
            Object next = page.body().get("nextAfter");
            assertThat(page.body()).containsKey("nextAfter");
            if (next != null) {
                assertThat(next).isEqualTo(page.data().get(page.data().size() - 1).get("id"));
            }
            after = next == null ? null : (String) next;
        } while (after != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).extracting(r -> r.get("id")).containsExactlyElementsOf(ids);
        assertThat(seen.get(4)).isEqualTo(Map.of("id", ids.get(4), "name", "r4", "type", "batch-source", "metadata", Map.of("n", 4)));

        Reply all = api.get("/internal/records?type=batch-source", ORG_A);
        assertThat(all.data()).hasSize(5);
        assertThat(all.body().get("nextAfter")).isNull();
        assertThat(api.get("/internal/records?type=no-such-type", ORG_A).data()).isEmpty();

        api.get("/internal/records", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/internal/records?type=batch-source&limit=2001", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/internal/records?type=batch-source&limit=zero", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/internal/records?type=batch-source", null).assertProblem(401, "unauthorized");
    }

    @Test
    void internalEndpointFiltersWithTheListFilter() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add((String) createRecord(api, ORG_A, "filtered-source", "f" + i,
                    Map.of("tier", i % 2 == 0 ? "gold" : "silver")).get("id"));
        }
        String otherType = (String) createRecord(api, ORG_A, "filtered-other", "o", Map.of()).get("id");
        String otherOrg = (String) createRecord(api, ORG_B, "filtered-source", "b", Map.of("tier", "gold")).get("id");

        String gold = "{\"where\":[{\"field\":\"metadata.tier\",\"op\":\"eq\",\"value\":\"gold\"}]}";
        Reply filtered = api.get("/internal/records?type=filtered-source&limit=1&filter=" + encode(gold), ORG_A);
        assertThat(filtered.data()).extracting(r -> r.get("id")).containsExactly(ids.get(0));
        Reply next = api.get("/internal/records?type=filtered-source&limit=1&filter=" + encode(gold) + "&after="
                + filtered.body().get("nextAfter"), ORG_A);
        assertThat(next.data()).extracting(r -> r.get("id")).containsExactly(ids.get(2));

        // by ids over every type, without a type; another organization's id is simply not there
        String byIds = "{\"where\":[{\"field\":\"id\",\"op\":\"in\",\"value\":[\"" + ids.get(1) + "\",\""
                + otherType + "\",\"" + otherOrg + "\"]}]}";
        assertThat(api.get("/internal/records?filter=" + encode(byIds), ORG_A).data()).extracting(r -> r.get("id"))
                .containsExactlyInAnyOrder(ids.get(1), otherType);

        api.get("/internal/records?filter=" + encode("{\"where\":[]}"), ORG_A).assertProblem(400, "invalid_parameter");
        assertThat(api.get("/internal/records?type=t&filter=" + encode("{\"where\":"), ORG_A).status()).isEqualTo(400);
        assertThat(api.get("/internal/records?type=t&filter=" + encode("{\"where\":[{\"field\":\"nope\"}]}"), ORG_A)
                .status()).isEqualTo(400);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void badCreateBodiesAreProblems() {
        api.post("/v1/records", "{\"type\": \"x\", \"name\": ", ORG_A).assertProblem(400, "malformed_json");
        api.post("/v1/records", "{\"name\":\"no type\"}", ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records", "{\"type\":\"t\"}", ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records", "{\"type\":\"  \",\"name\":\"n\"}", ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records", Map.of("type", "t", "name", "n".repeat(501)), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records", Map.of("type", "t".repeat(256), "name", "n"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records", Map.of("type", 42, "name", "n"), ORG_A).assertProblem(400, "validation_failed");
        api.post("/v1/records", Map.of("type", "t", "name", "n", "messages", "hello"), ORG_A)
                .assertProblem(400, "validation_failed");
        Reply wrongMetadata = api.post("/v1/records", Map.of("type", "t", "name", "n", "metadata", "not an object"), ORG_A)
                .assertProblem(400, "validation_failed");
        assertThat((String) wrongMetadata.body().get("detail")).contains("metadata");

        for (String notAnObject : List.of("[]", "\"text\"", "")) {
            Reply reply = api.post("/v1/records", notAnObject, ORG_A);
            assertThat(reply.status()).as("body <%s>: %s", notAnObject, reply.raw()).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.body().get("code")).isNotNull();
        }

        // the limits are inclusive
        assertThat(api.post("/v1/records", Map.of("type", "t".repeat(255), "name", "n".repeat(500)), ORG_A).status())
                .isEqualTo(201);
        // and nothing invalid was stored
        assertThat(api.get("/v1/records?type=t&includeCount=true", ORG_A).pagination().get("totalCount")).isEqualTo(0);
        api.send(HttpRequest.POST("/v1/records", Map.of("type", "t", "name", "n"))).assertProblem(401, "unauthorized");
        api.send(HttpRequest.POST("/v1/records", "{}").contentType(MediaType.APPLICATION_JSON_TYPE)
                .header(InternalTokens.HEADER, "not-a-token")).assertProblem(401, "unauthorized");
    }

    @Test
    void badReadsAreProblems() {
        String id = (String) createRecord(api, ORG_A, "private", "mine", Map.of()).get("id");
        assertThat(api.get("/v1/records/" + id, ORG_A).status()).isEqualTo(200);

        api.get("/v1/records/" + id, ORG_B).assertProblem(404, "not_found");
        api.get("/v1/records/record_does_not_exist", ORG_A).assertProblem(404, "not_found");
        api.get("/v1/records/" + id, null).assertProblem(401, "unauthorized");
        api.get("/v1/records", null).assertProblem(401, "unauthorized");

        for (String query : List.of("limit=0", "limit=101", "limit=ten", "cursor=garbage!", "includeCount=perhaps")) {
            Reply reply = api.get("/v1/records?" + query, ORG_A).assertProblem(400, "invalid_parameter");
            assertThat((String) reply.body().get("detail")).contains(query.substring(0, query.indexOf('=')));
        }
        String forgedCursor = URLEncoder.encode(java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("yesterday|x|1".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        api.get("/v1/records?cursor=" + forgedCursor, ORG_A).assertProblem(400, "invalid_parameter");
    }

    @Test
    void recordCreatedEventArrivesOnKafka() {
        Map<String, Object> record = createRecord(api, ORG_A, "evented", "announce me", Map.of("k", "v"));
        String id = (String) record.get("id");

        ConsumerRecord<String, byte[]> message = kafka.awaitFirst(topics.of(RecordEvents.RECORDS), r -> id.equals(r.key()),
                Duration.ofSeconds(30));

        CloudEvent event = CloudEventCodec.fromRecord(message);
        assertThat(event.getType()).isEqualTo(RecordEvents.RECORD_CREATED.type());
        assertThat(event.getSubject()).isEqualTo(id);
        assertThat(event.getSource().toString()).isEqualTo("urn:runloom:records-service");
        assertThat(event.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_a");
        RecordCreatedV1 payload;
        try {
            payload = json.readValue(event.getData().toBytes(), RecordCreatedV1.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(payload.recordId()).isEqualTo(id);
        assertThat(payload.organizationId()).isEqualTo("org_a");
        assertThat(payload.userId()).isEqualTo("user_a");
        assertThat(payload.type()).isEqualTo("evented");
        assertThat(payload.name()).isEqualTo("announce me");
        assertThat(payload.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(payload.createdAt()).isEqualTo(Instant.parse((String) record.get("createdAt")));

        // a refused create publishes nothing
        api.post("/v1/records", Map.of("type", "evented", "name", "announce me"), ORG_A).assertProblem(409, "record_exists");
        assertThat(kafka.read(topics.of(RecordEvents.RECORDS), r -> id.equals(r.key()), 2, Duration.ofSeconds(2))).hasSize(1);
    }

    @Test
    void theCallersTraceContextTravelsWithTheEvent() {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Reply traced = api.send(HttpRequest.POST("/v1/records", Map.of("type", "traced", "name", "with trace"))
                .header("traceparent", traceparent), ORG_A);
        assertThat(traced.status()).as(traced.raw()).isEqualTo(201);
        Reply untraced = api.send(HttpRequest.POST("/v1/records", Map.of("type", "traced", "name", "bad trace"))
                .header("traceparent", "not-a-trace-context"), ORG_A);
        assertThat(untraced.status()).as(untraced.raw()).isEqualTo(201);

        CloudEvent withTrace = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(RecordEvents.RECORDS),
                r -> traced.body().get("id").equals(r.key()), Duration.ofSeconds(30)));
        CloudEvent withoutTrace = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(RecordEvents.RECORDS),
                r -> untraced.body().get("id").equals(r.key()), Duration.ofSeconds(30)));
        assertThat(withTrace.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isEqualTo(traceparent);
        assertThat(withoutTrace.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isNull();
    }
}
