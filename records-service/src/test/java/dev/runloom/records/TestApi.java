package dev.runloom.records;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Small HTTP and Kafka helpers shared by the test classes (not a test itself). */
public final class TestApi {
    public static final Tenant ORG_A = new Tenant("org_a", "user_a", Set.of("*"));
    public static final Tenant ORG_B = new Tenant("org_b", "user_b", Set.of("*"));

    private final HttpClient client;
    private final InternalTokens tokens;
    private final JsonMapper json;

    public TestApi(HttpClient client, InternalTokens tokens, JsonMapper json) {
        this.client = client;
        this.tokens = tokens;
        this.json = json;
    }

    /** Status, content type and JSON body of a response, whether it succeeded or not. */
    public record Reply(int status, String contentType, String rawBody, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> data() {
            return (List<Map<String, Object>>) body.get("data");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> pagination() {
            return (Map<String, Object>) body.get("pagination");
        }

        /** Asserts an RFC 9457 problem with this status and code. */
        public Reply assertProblem(int expectedStatus, String expectedCode) {
            assertThat(status).as("status of %s", rawBody).isEqualTo(expectedStatus);
            assertThat(contentType).as("content type").startsWith("application/problem+json");
            assertThat(body.get("code")).as("code of %s", rawBody).isEqualTo(expectedCode);
            assertThat(body.get("status")).isEqualTo(expectedStatus);
            assertThat(rawBody).doesNotContain("Exception").doesNotContain("at dev.runloom");
            return this;
        }
    }

    public Reply get(String uri, Tenant tenant) {
        return send(authorized(HttpRequest.GET(uri), tenant));
    }

    public Reply postJson(String uri, String body, Tenant tenant) {
        return send(authorized(HttpRequest.POST(uri, body).contentType(MediaType.APPLICATION_JSON_TYPE), tenant));
    }

    public Reply postJson(String uri, Object body, Tenant tenant) {
        return postJson(uri, toJson(body), tenant);
    }

    public <B> MutableHttpRequest<B> authorized(MutableHttpRequest<B> request, Tenant tenant) {
        return tenant == null ? request : request.header(InternalTokens.HEADER, tokens.sign(tenant));
    }

    public Reply send(HttpRequest<?> request) {
        try {
            HttpResponse<String> response = client.toBlocking().exchange(request, String.class);
            return reply(response.code(), response.getContentType().map(MediaType::toString).orElse(""),
                    response.getBody().orElse(""));
        } catch (HttpClientResponseException e) {
            HttpResponse<?> response = e.getResponse();
            return reply(response.code(), response.getContentType().map(MediaType::toString).orElse(""),
                    response.getBody(String.class).orElse(""));
        }
    }

    /** Creates a record and returns its JSON. */
    public Map<String, Object> createRecord(Tenant tenant, String type, String name, Map<String, Object> metadata) {
        Reply reply = postJson("/v1/records", Map.of("type", type, "name", name, "metadata", metadata), tenant);
        assertThat(reply.status()).as(reply.rawBody()).isEqualTo(201);
        return reply.body();
    }

    public String toJson(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply reply(int status, String contentType, String raw) {
        try {
            Map<String, Object> body = raw.isBlank() ? Map.of()
                    : json.readValue(raw.getBytes(StandardCharsets.UTF_8), Argument.mapOf(String.class, Object.class));
            return new Reply(status, contentType, raw, body);
        } catch (IOException e) {
            throw new AssertionError("response is not a JSON object: " + raw, e);
        }
    }

    /**
     * Reads every partition of a topic from the beginning with a plain consumer (no group), until
     * {@code done} holds for what was read or the deadline passes.
     */
    public static List<ConsumerRecord<String, byte[]>> readTopic(String bootstrap, String topic,
                                                                  Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                                  Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline) && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
