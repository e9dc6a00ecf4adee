package dev.runloom.records;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static dev.runloom.records.RecordFixtures.createRecord;
import static dev.runloom.records.RecordFixtures.where;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** R5: CSV export — columns, flattening, escaping, formula guarding, filters, tenant isolation, a large streamed export. */
@ServiceTest("records")
class RecordExportTest {
    @Inject ApiClient<Tenant> api;
    @Inject TransactionOperations<Connection> transactions;
    @Inject @Client("/") HttpClient http;
    @Inject InternalTokens tokens;

    /** The export's CSV (ApiClient reads JSON answers only; problems are checked through it). */
    CsvAnswer csv(String uri, Tenant tenant) {
        MutableHttpRequest<?> request = HttpRequest.GET(uri);
        request.header(InternalTokens.HEADER, tokens.sign(tenant));
        try {
            HttpResponse<String> response = http.toBlocking().exchange(request, String.class);
            return new CsvAnswer(response.code(), response.getContentType().map(Object::toString).orElse(""),
                    response.getBody().orElse(""));
        } catch (HttpClientResponseException e) {
            throw new AssertionError(uri + " answered " + e.getStatus() + ": " + e.getResponse().getBody(String.class).orElse(""));
        }
    }

    record CsvAnswer(int status, String contentType, String raw) {
    }

    @Test
    void exportsTheSelectedRecordsAsCsv() throws IOException {
        createRecord(api, ORG_A, "exp", "Plain", Map.of("city", "Berlin", "score", 7, "address", Map.of("zip", "10115")));
        createRecord(api, ORG_A, "exp", "Comma, \"quoted\"\nnewline", Map.of("tags", List.of("a", "b"), "formula", "=1+2"));
        createRecord(api, ORG_A, "other", "Not exported", Map.of("secret", 1));
        createRecord(api, ORG_B, "exp", "Other org", Map.of("foreign", 1));

        CsvAnswer reply = csv("/v1/records/export?type=exp&sortBy=name", ORG_A);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/csv");
        List<CSVRecord> rows = parse(reply.raw());
        assertThat(rows.getFirst().toList()).containsExactly("id", "type", "name", "createdAt", "updatedAt",
                "address.zip", "city", "formula", "score", "tags");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).toList().subList(1, 3)).containsExactly("exp", "Comma, \"quoted\"\nnewline");
        assertThat(rows.get(1).toList().subList(5, 10)).containsExactly("", "", "'=1+2", "", "[\"a\",\"b\"]");
        assertThat(rows.get(2).toList().subList(1, 3)).containsExactly("exp", "Plain");
        assertThat(rows.get(2).toList().subList(5, 10)).containsExactly("10115", "Berlin", "", "7", "");
        assertThat(reply.raw()).doesNotContain("Other org").doesNotContain("foreign").doesNotContain("Not exported");

        CsvAnswer filtered = csv("/v1/records/export?type=exp&filter=" + where(api, "metadata.city", "eq", "Berlin"), ORG_A);
        assertThat(parse(filtered.raw())).hasSize(2);
        assertThat(parse(csv("/v1/records/export?type=none", ORG_A).raw())).hasSize(1);

        api.get("/v1/records/export?filter=" + RecordFixtures.q("{bad"), ORG_A).assertProblem(400, "invalid_filter");
        api.get("/v1/records/export?sortBy=size", ORG_A).assertProblem(400, "invalid_parameter");
        api.get("/v1/records/export", null).assertProblem(401, "unauthorized");
    }

    @Test
    void streamsAnExportLargerThanThePipe() throws IOException {
        new RecordSql(transactions).update("INSERT INTO records (id, organization_id, type, name, metadata, created_at, updated_at)"
                + " SELECT 'record_big_' || lpad(g::text, 6, '0'), 'org_a', 'big', 'big ' || g,"
                + " jsonb_build_object('n', g, 'pad', repeat('x', 200)), now(), now() FROM generate_series(1, 20000) g");
        CsvAnswer reply = csv("/v1/records/export?type=big", ORG_A);
        assertThat(reply.status()).isEqualTo(200);
        List<CSVRecord> rows = parse(reply.raw());
        assertThat(rows).hasSize(20_001);
        assertThat(reply.raw().length()).isGreaterThan(4_000_000);
    }

    private static List<CSVRecord> parse(String csv) throws IOException {
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), CSVFormat.RFC4180)) {
            return parser.getRecords();
        }
    }
}
