package dev.runloom.flows.recordsource;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/** Reads every record of a type for a tenant, page by page, on the tenant's behalf. */
@Singleton
public class RecordsClient {
    /** Records per page unless a batch's {@code chunkSize} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

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
