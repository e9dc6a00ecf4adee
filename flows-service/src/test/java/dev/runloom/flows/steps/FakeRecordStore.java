package dev.runloom.flows.steps;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE of records-service on 127.0.0.1: the batch read ({@code GET /internal/records}) and
 * the record steps' internal API ({@code find}, {@code upsert}, {@code update}) over an in-memory
 * store, idempotent by key as the real one (records-service's InternalRecordWritesTest pins that).
 * {@link #failNextWriteAfterWriting} makes the next write succeed and then answer 503, the way a
 * lost reply looks to the step, which then retries with the same key.
 */
final class FakeRecordStore extends FakePeerService {
    private final JsonMapper json = JsonMapper.createDefault();
    private final Map<String, Map<String, Object>> records = new ConcurrentHashMap<>();
    private final Map<String, String> answersByKey = new ConcurrentHashMap<>();
    final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger failAfterWriting = new AtomicInteger();
    private int ids;

    FakeRecordStore() {
        route("/internal/records", this::handle);
        start();
    }

    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.records-url", url());
    }

    synchronized Map<String, Object> add(String org, String type, String id, String name, Map<String, Object> metadata) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("org", org);
        record.put("id", id);
        record.put("type", type);
        record.put("name", name);
        record.put("metadata", new LinkedHashMap<>(metadata));
        record.put("createdAt", "2026-11-30T10:00:00Z");
        record.put("updatedAt", "2026-11-30T10:00:00Z");
        records.put(id, record);
        return record;
    }

    Map<String, Object> get(String id) {
        return records.get(id);
    }

    void failNextWriteAfterWriting() {
        failAfterWriting.set(1);
    }

    private synchronized void handle(HttpExchange exchange, Tenant tenant) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String org = tenant.organizationId();
        if (exchange.getRequestMethod().equals("GET")) {
            String type = exchange.getRequestURI().getQuery().replaceAll(".*type=([^&]*).*", "$1");
            List<Map<String, Object>> data = records.values().stream()
                    .filter(r -> r.get("org").equals(org) && r.get("type").equals(type))
                    .sorted((a, b) -> ((String) a.get("id")).compareTo((String) b.get("id")))
                    .map(FakeRecordStore::view).toList();
            respond(exchange, 200, json(Map.of("data", data)));
            return;
        }
        Map<String, Object> body = json.readValue(exchange.getRequestBody().readAllBytes(),
                Argument.mapOf(String.class, Object.class));
        if (path.endsWith("/find")) {
            Map<?, ?> where = (Map<?, ?>) body.get("where");
            Map<String, Object> found = records.values().stream()
                    .filter(r -> r.get("org").equals(org))
                    .filter(r -> body.get("type") == null || r.get("type").equals(body.get("type")))
                    .filter(r -> body.get("name") == null || r.get("name").equals(body.get("name")))
                    .filter(r -> where == null || String.valueOf(((Map<?, ?>) r.get("metadata")).get(where.get("field")))
                            .equals(String.valueOf(where.get("value"))))
                    .findFirst().map(FakeRecordStore::view).orElse(null);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("record", found);
            respond(exchange, 200, json(answer));
            return;
        }
        String key = org + "|" + body.get("idempotencyKey");
        String earlier = answersByKey.get(key);
        if (earlier != null) {
            respond(exchange, 200, earlier.replace("\"replayed\":false", "\"replayed\":true"));
            return;
        }
        Map<String, Object> record;
        boolean created = false;
        if (path.endsWith("/upsert")) {
            record = records.values().stream().filter(r -> r.get("org").equals(org) && r.get("type").equals(body.get("type"))
                    && r.get("name").equals(body.get("name"))).findFirst().orElse(null);
            if (record == null) {
                record = add(org, (String) body.get("type"), "record_" + (++ids), (String) body.get("name"), Map.of());
                created = true;
            }
            metadata(record).putAll(castMap(body.get("metadata")));
        } else {
            String id = path.substring("/internal/records/".length(), path.length() - "/update".length());
            record = records.get(id);
            if (record == null || !record.get("org").equals(org)) {
                respond(exchange, 404, "{\"code\":\"not_found\",\"detail\":\"Record " + id + " was not found\"}");
                return;
            }
            if ("replace".equals(body.get("mergeStrategy"))) {
                metadata(record).clear();
            }
            metadata(record).putAll(castMap(body.get("updates")));
        }
        writes.incrementAndGet();
        String answer = json(Map.of("record", view(record), "created", created, "replayed", false));
        answersByKey.put(key, answer);
        if (failAfterWriting.getAndSet(0) == 1) {
            respond(exchange, 503, "{\"code\":\"unavailable\",\"detail\":\"reply lost\"}");
            return;
        }
        respond(exchange, 200, answer);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> record) {
        return (Map<String, Object>) record.get("metadata");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> view(Map<String, Object> record) {
        Map<String, Object> view = new LinkedHashMap<>(record);
        view.remove("org");
        view.put("metadata", new LinkedHashMap<>(metadata(record)));
        return view;
    }

    private String json(Object value) throws IOException {
        return new String(json.writeValueAsBytes(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    List<Map<String, Object>> all() {
        return new ArrayList<>(records.values());
    }
}
