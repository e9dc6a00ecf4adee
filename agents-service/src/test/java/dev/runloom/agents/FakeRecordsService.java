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

    FakeRecordsService() {
        route("/internal/records", this::handle);
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
