package dev.runloom.agents;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TEST DOUBLE of records-service on 127.0.0.1: {@code GET /internal/records?type=} answers the
 * records added per organization and type, in one page (token checked by {@link FakePeerService}).
 */
final class FakeRecordsService extends FakePeerService {
    private final Map<String, List<String>> recordsByOrgAndType = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    /** Upserted records by "org|type|name", and the idempotency keys seen, in order. */
    final Map<String, String> upserted = new ConcurrentHashMap<>();
    final List<String> upsertKeys = new CopyOnWriteArrayList<>();
    private final Map<String, String> answersByKey = new ConcurrentHashMap<>();
    /** When set, the next upsert is written but its answer is lost (a 503), as a crash after commit would. */
    final java.util.concurrent.atomic.AtomicBoolean loseNextAnswer = new java.util.concurrent.atomic.AtomicBoolean();

    FakeRecordsService() {
        route("/internal/records", this::handle);
        route("/internal/records/upsert", this::upsert);
        start();
    }

    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.records-url", url());
    }

    /** A record as JSON: id, name, type, metadata {@code {"plan": plan}}. */
    void add(String org, String type, String id, String name, String plan) {
        recordsByOrgAndType.computeIfAbsent(org + "|" + type, k -> new CopyOnWriteArrayList<>()).add("""
                {"id":"%s","name":"%s","type":"%s","metadata":{"plan":"%s"}}""".formatted(id, name, type, plan));
    }

    /** Idempotent by key, like records-service: a key seen before answers its first write, replayed. */
    private void upsert(HttpExchange exchange, Tenant tenant) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"idempotencyKey\":\"([^\"]*)\"").matcher(body);
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("\"type\":\"([^\"]*)\"").matcher(body);
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("\"name\":\"([^\"]*)\"").matcher(body);
        if (!key.find() || !type.find() || !name.find()) {
            respond(exchange, 400, "{\"code\":\"validation_error\",\"detail\":\"idempotencyKey, type and name are required\"}");
            return;
        }
        String scopedKey = tenant.organizationId() + "|" + key.group(1);
        upsertKeys.add(key.group(1));
        String first = answersByKey.get(scopedKey);
        if (first != null) {
            respond(exchange, 200, first.replace("\"replayed\":false", "\"replayed\":true"));
            return;
        }
        String id = "rec_" + (upserted.size() + 1);
        String record = "{\"id\":\"%s\",\"type\":\"%s\",\"name\":\"%s\",\"metadata\":{},\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\"}"
                .formatted(id, type.group(1), name.group(1));
        upserted.put(tenant.organizationId() + "|" + type.group(1) + "|" + name.group(1), body);
        String answer = "{\"record\":" + record + ",\"created\":true,\"replayed\":false}";
        answersByKey.put(scopedKey, answer);
        if (loseNextAnswer.compareAndSet(true, false)) {
            respond(exchange, 503, "{\"code\":\"unavailable\"}");
            return;
        }
        respond(exchange, 200, answer);
    }

    private void handle(HttpExchange exchange, Tenant tenant) throws IOException {
        String type = null;
        String query = exchange.getRequestURI().getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals("type") && kv.length == 2) {
                type = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        requests.add(tenant.organizationId() + " " + type);
        List<String> records = recordsByOrgAndType.getOrDefault(tenant.organizationId() + "|" + type, List.of());
        respond(exchange, 200, "{\"data\":[" + String.join(",", records) + "],\"nextAfter\":null}");
    }
}
