package dev.runloom.flows.recordsource;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads every record of a type for a tenant, page by page, on the tenant's behalf. */
@Singleton
public class RecordsClient {
    /** Records per page unless a batch's {@code chunkSize} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 1000;
    /** records-service's largest page. */
    public static final int MAX_PAGE_SIZE = 2000;
    /** URL-encoded ids per filtered read: the request line stays far below Netty's 4096-character limit. */
    static final int MAX_ENCODED_IDS_PER_REQUEST = 2500;

    private final RecordsApi api;
    private final InternalTokens tokens;

    public RecordsClient(RecordsApi api, InternalTokens tokens) {
        this.api = api;
        this.tokens = tokens;
    }

    /** @throws RecordsUnavailableException when records-service is down or answers with an error */
    public List<SourceRecord> recordsOfType(Tenant tenant, String recordType) {
        return recordsOfType(tenant, recordType, DEFAULT_PAGE_SIZE);
    }

    /**
     * Reads pages of {@code pageSize} records (records-service allows up to 2000).
     *
     * @throws RecordsUnavailableException when records-service is down or answers with an error
     */
    public List<SourceRecord> recordsOfType(Tenant tenant, String recordType, int pageSize) {
        List<SourceRecord> records = new ArrayList<>();
        String after = null;
        do {
            RecordsApi.RecordsPage page = page(tenant, recordType, after, pageSize);
            if (page.data() != null) {
                records.addAll(page.data());
            }
            String next = page.nextAfter();
            if (next != null && next.equals(after)) {
                throw new RecordsUnavailableException("records-service returned the same page position twice ('"
                        + next + "')", null);
            }
            after = next;
        } while (after != null);
        return records;
    }

    /**
     * Every record (of {@code recordType}, when given) matching a records-list chip filter given as
     * JSON text, page by page.
     *
     * @throws InvalidRecordFilterException when records-service refuses the filter (400)
     * @throws RecordsUnavailableException when records-service is down or answers with another error
     */
    public List<SourceRecord> recordsMatching(Tenant tenant, @Nullable String recordType, String filterJson,
                                              int pageSize) {
        List<SourceRecord> records = new ArrayList<>();
        String after = null;
        do {
            RecordsApi.RecordsPage page = page(tenant, recordType, filterJson, after, pageSize);
            if (page.data() != null) {
                records.addAll(page.data());
            }
            String next = page.nextAfter();
            if (next != null && next.equals(after)) {
                throw new RecordsUnavailableException("records-service returned the same page position twice ('"
                        + next + "')", null);
            }
            after = next;
        } while (after != null);
        return records;
    }

    /**
     * The tenant's records among {@code ids} (of {@code recordType}, when given), in the order of
     * {@code ids}; ids of no record of the tenant's organization are simply absent. Asked for in
     * groups whose {@code id in […]} filter keeps the request line well under the server's limit.
     */
    public List<SourceRecord> recordsByIds(Tenant tenant, @Nullable String recordType, List<String> ids) {
        java.util.Map<String, SourceRecord> found = new java.util.HashMap<>();
        List<String> group = new ArrayList<>();
        int length = 0;
        for (String id : ids) {
            int encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).length() + 9; // quotes and comma, encoded
            if (!group.isEmpty() && length + encoded > MAX_ENCODED_IDS_PER_REQUEST) {
                recordsMatching(tenant, recordType, idFilter(group), MAX_PAGE_SIZE).forEach(r -> found.put(r.id(), r));
                group.clear();
                length = 0;
            }
            group.add(id);
            length += encoded;
        }
        if (!group.isEmpty()) {
            recordsMatching(tenant, recordType, idFilter(group), MAX_PAGE_SIZE).forEach(r -> found.put(r.id(), r));
        }
        return ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
    }

    private static String idFilter(List<String> ids) {
        StringBuilder json = new StringBuilder("{\"where\":[{\"field\":\"id\",\"op\":\"in\",\"value\":[");
        for (int i = 0; i < ids.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(jsonEscape(ids.get(i))).append('"');
        }
        return json.append("]}]}").toString();
    }

    private static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private RecordsApi.RecordsPage page(Tenant tenant, @Nullable String recordType, String filterJson,
                                        @Nullable String after, int pageSize) {
        try {
            RecordsApi.RecordsPage page = api.listMatching(recordType, filterJson, after, pageSize, tokens.sign(tenant));
            if (page == null) {
                throw new RecordsUnavailableException("records-service has no records read endpoint (404)", null);
            }
            return page;
        } catch (HttpClientResponseException e) {
            if (e.getStatus().getCode() == 400) {
                throw new InvalidRecordFilterException(e.getResponse().getBody(String.class).orElse(e.getMessage()));
            }
            throw new RecordsUnavailableException("records-service answered " + e.getStatus().getCode()
                    + " to the records read", e);
        } catch (HttpClientException e) {
            throw new RecordsUnavailableException("records-service is unreachable: " + e.getMessage(), e);
        }
    }

    private RecordsApi.RecordsPage page(Tenant tenant, String recordType, String after, int pageSize) {
        try {
            // a fresh token per page: tokens live two minutes, a large type takes many pages
            RecordsApi.RecordsPage page = api.list(recordType, after, pageSize, tokens.sign(tenant));
            if (page == null) { // what a declarative client returns for a 404
                throw new RecordsUnavailableException("records-service has no records read endpoint (404)", null);
            }
            return page;
        } catch (HttpClientResponseException e) {
            throw new RecordsUnavailableException("records-service answered " + e.getStatus().getCode()
                    + " to the records read", e);
        } catch (HttpClientException e) {
            throw new RecordsUnavailableException("records-service is unreachable: " + e.getMessage(), e);
        }
    }
}
