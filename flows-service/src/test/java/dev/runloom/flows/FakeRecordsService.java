package dev.runloom.flows;

import com.sun.net.httpserver.HttpExchange;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.FakePeerService;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A TEST DOUBLE of records-service: a real HTTP server on 127.0.0.1 serving
 * {@code GET /internal/records?type=&after=&limit=} from an in-memory list, per organization, the
 * way the real service is specified to (keyset pages ordered by id, {@code nextAfter} null on the
 * last page). The internal token check and the 503 while {@code down} come from {@link FakePeerService}. Pages hold at most
 * {@link #MAX_PAGE} records (or what the constructor says) whatever {@code limit} says, so paging is
 * exercised with few records.
 */
final class FakeRecordsService extends FakePeerService {
    private static final JsonMapper JSON = JsonMapper.createDefault();
    static final int MAX_PAGE = 5;

    private final int maxPage;
    private final Map<String, List<Map<String, Object>>> recordsByOrgAndType = new HashMap<>();
    /** Every request served: "org type after". */
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeRecordsService() {
        this(MAX_PAGE);
    }

    /** Pages of at most {@code maxPage} records: a large type in few requests. */
    FakeRecordsService(int maxPage) {
        this.maxPage = maxPage;
        route("/internal/records", this::handle);
        start();
    }

    /** The configuration that points the service under test at this fake. */
    Map<String, String> serviceProperties() {
        return Map.of("runloom.services.records-url", url());
    }

    /** Adds records {@code <prefix>_01 …} of a type to an organization; metadata.industry and .index are set. */
    synchronized List<Map<String, Object>> add(String org, String type, String idPrefix, int count) {
        List<Map<String, Object>> added = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            added.add(record(String.format("%s_%02d", idPrefix, i), "Company " + idPrefix + " " + i, type,
                    "industry-" + i, i));
        }
        store(org, type, added);
        return added;
    }

    /** Adds one record with the given id and metadata.industry (metadata.index 0). */
    synchronized Map<String, Object> addOne(String org, String type, String id, String name, String industry) {
        Map<String, Object> record = record(id, name, type, industry, 0);
        store(org, type, List.of(record));
        return record;
    }

    private static Map<String, Object> record(String id, String name, String type, String industry, int index) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("name", name);
        record.put("type", type);
        record.put("metadata", Map.of("industry", industry, "index", index));
        return record;
    }

    private void store(String org, String type, List<Map<String, Object>> added) {
        List<Map<String, Object>> list = recordsByOrgAndType.computeIfAbsent(org + "|" + type, k -> new ArrayList<>());
        list.addAll(added);
        list.sort(Comparator.comparing(r -> (String) r.get("id")));
    }

    private void handle(HttpExchange exchange, Tenant tenant) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String type = query.get("type");
        String after = query.get("after");
        int limit = Math.min(maxPage, Integer.parseInt(query.getOrDefault("limit", "100")));
        requests.add(tenant.organizationId() + " " + type + " " + after);
        Predicate<Map<String, Object>> matches;
        try {
            matches = filter(query.get("filter"));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, "{\"code\":\"invalid_filter\",\"detail\":\"" + e.getMessage() + "\"}");
            return;
        }
        List<Map<String, Object>> all;
        synchronized (this) {
            all = recordsByOrgAndType.entrySet().stream()
                    .filter(e -> type == null ? e.getKey().startsWith(tenant.organizationId() + "|")
                            : e.getKey().equals(tenant.organizationId() + "|" + type))
                    .flatMap(e -> e.getValue().stream())
                    .sorted(Comparator.comparing(r -> (String) r.get("id"))).toList();
        }
        List<Map<String, Object>> page = all.stream().filter(matches)
                .filter(r -> after == null || ((String) r.get("id")).compareTo(after) > 0)
                .limit(limit + 1L).toList();
        boolean more = page.size() > limit;
        List<Map<String, Object>> data = more ? page.subList(0, limit) : page;
        StringBuilder body = new StringBuilder("{\"data\":[");
        for (int i = 0; i < data.size(); i++) {
            Map<String, Object> r = data.get(i);
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) r.get("metadata");
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(r.get("id")).append("\",\"name\":\"")
                    .append(r.get("name")).append("\",\"type\":\"").append(r.get("type"))
                    .append("\",\"metadata\":{\"industry\":\"").append(metadata.get("industry"))
                    .append("\",\"index\":").append(metadata.get("index")).append("}}");
        }
        body.append("],\"nextAfter\":")
                .append(more ? "\"" + data.getLast().get("id") + "\"" : "null").append('}');
        respond(exchange, 200, body.toString());
    }

    /**
     * The part of records-service's chip filter batches use: {@code where} entries {@code id in […]}
     * and {@code metadata.<key> eq <value>} (ANDed); anything else is refused as records-service would.
     */
    @SuppressWarnings("unchecked")
    private static Predicate<Map<String, Object>> filter(String json) {
        if (json == null) {
            return r -> true;
        }
        Map<String, Object> filter;
        try {
            filter = JSON.readValue(json, Map.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("filter is not JSON");
        }
        Predicate<Map<String, Object>> all = r -> true;
        for (Object entry : (List<Object>) filter.getOrDefault("where", List.of())) {
            Map<String, Object> condition = (Map<String, Object>) entry;
            String field = String.valueOf(condition.get("field"));
            String op = String.valueOf(condition.get("op"));
            Object value = condition.get("value");
            if (field.equals("id") && op.equals("in")) {
                List<Object> ids = (List<Object>) value;
                all = all.and(r -> ids.contains(r.get("id")));
            } else if (field.startsWith("metadata.") && op.equals("eq")) {
                String key = field.substring("metadata.".length());
                all = all.and(r -> String.valueOf(((Map<String, Object>) r.get("metadata")).get(key))
                        .equals(String.valueOf(value)));
            } else {
                throw new IllegalArgumentException("unknown field or operator: " + field + " " + op);
            }
        }
        return all;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
